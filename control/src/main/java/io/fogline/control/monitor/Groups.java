package io.fogline.control.monitor;

import io.fogline.core.telemetry.ModelWindow;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Windows summed by a key: per device and model version, or per model version across the fleet. */
final class Groups {

    private Groups() {}

    static Map<String, ModelWindow> sum(
            Collection<TelemetryStore.StoredWindow> windows, Function<TelemetryStore.StoredWindow, String> key) {
        Map<String, ModelWindow> sums = new LinkedHashMap<>();
        for (TelemetryStore.StoredWindow window : windows) {
            sums.merge(key.apply(window), window.figures(), ModelWindow::merge);
        }
        return sums;
    }

    static String deviceModel(TelemetryStore.StoredWindow window) {
        return window.deviceId()
                + ':'
                + window.figures().model()
                + ':'
                + window.figures().version();
    }

    static String model(TelemetryStore.StoredWindow window) {
        return window.figures().model() + ':' + window.figures().version();
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
