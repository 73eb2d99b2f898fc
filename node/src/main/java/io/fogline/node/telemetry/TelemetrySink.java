package io.fogline.node.telemetry;

import io.fogline.core.telemetry.NodeEvent;
import io.fogline.core.telemetry.TelemetryWindow;

/** Where closed windows and events go: the outbox. */
public interface TelemetrySink {

    void window(TelemetryWindow window);

    void event(NodeEvent event);
}
