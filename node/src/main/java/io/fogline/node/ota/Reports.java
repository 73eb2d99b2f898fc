package io.fogline.node.ota;

import io.fogline.core.device.Feedback;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.device.Quality;
import io.fogline.core.device.RunningModel;
import io.fogline.core.device.UpdateStatus;
import io.fogline.runtime.repository.RepositoryModel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The reports a node queues: the protocol's {@link Feedback}, with what the node serves now. */
final class Reports {

    private Reports() {}

    /** The JSON body of one report, as the outbox keeps it until the control plane acknowledges it. */
    static String body(
            long seq,
            UpdateStore.Action action,
            UpdateStatus status,
            String reason,
            Quality quality,
            List<RepositoryModel> index) {
        List<RunningModel> running = index.stream()
                .filter(model -> "READY".equals(model.state()))
                .map(model -> new RunningModel(model.name(), Long.parseLong(model.version())))
                .toList();
        Feedback report = new Feedback(
                seq, action.actionId(), action.model(), action.version(), status, reason, quality, running);
        return new String(ProtocolJson.write(report), StandardCharsets.UTF_8);
    }

    static Quality quality(GoldenRunner.Outcome outcome) {
        return new Quality(
                outcome.passed(),
                Math.round(outcome.p95Millis() * 1000) / 1000.0,
                outcome.errorRate(),
                outcome.escalationRate());
    }
}
