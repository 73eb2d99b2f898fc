package io.fogline.control.device;

import io.fogline.control.federated.FederatedJobs;
import io.fogline.control.fleet.DesiredStates;
import io.fogline.control.fleet.FeedbackReceiver;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.Heartbeats;
import io.fogline.control.monitor.ControlMetrics;
import io.fogline.control.monitor.TelemetryStore;
import io.fogline.control.rollout.RolloutAdvancer;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.FederatedOptIn;
import io.fogline.core.device.Feedback;
import io.fogline.core.telemetry.TelemetryBatch;
import java.time.Duration;

/**
 * What devices ask of the control plane, whatever transport carries it: enrolment, polls (each a heartbeat),
 * reports (which may move a rollout on) and telemetry batches, each counted in the metrics.
 */
public final class Devices {

    private final Fleet fleet;
    private final Heartbeats heartbeats;
    private final FeedbackReceiver feedback;
    private final RolloutAdvancer advancer;
    private final TelemetryStore telemetry;
    private final FederatedJobs federated;
    private final ControlMetrics metrics;
    private final long pollIntervalSeconds;

    public Devices(
            Fleet fleet,
            Heartbeats heartbeats,
            FeedbackReceiver feedback,
            RolloutAdvancer advancer,
            TelemetryStore telemetry,
            FederatedJobs federated,
            ControlMetrics metrics,
            Duration pollInterval) {
        this.fleet = fleet;
        this.heartbeats = heartbeats;
        this.feedback = feedback;
        this.advancer = advancer;
        this.telemetry = telemetry;
        this.federated = federated;
        this.metrics = metrics;
        this.pollIntervalSeconds = pollInterval.toSeconds();
    }

    /**
     * What a poll answers: the tag of the device's desired state, which changes exactly when the state does, and the
     * state itself, or null when the device holds the state of that tag already.
     */
    public record Poll(String tag, DesiredState state) {}

    public Enrolment.Enrolled enrol(Enrolment enrolment) {
        return fleet.enrol(enrolment);
    }

    /**
     * A device's poll, which is also its heartbeat: one indexed read (done when the device was authenticated) answers
     * an unchanged state; the heartbeat is written later, in a batch.
     *
     * @param knownTags the tags the device says it holds; {@code *} matches any
     */
    public Poll poll(Fleet.AuthenticatedDevice device, java.util.Set<String> knownTags) {
        heartbeats.seen(device.id());
        metrics.polled();
        String tag = tag(device.desiredRevision());
        if (knownTags.contains(tag) || knownTags.contains("*")) {
            return new Poll(tag, null);
        }
        return current(device.id());
    }

    /** A device's desired state as the operator reads it: no heartbeat. */
    public Poll desiredOf(String deviceId) {
        fleet.device(deviceId);
        return current(deviceId);
    }

    /** Read afresh, with the tag made from what was read, so a change since the device was authenticated is seen. */
    private Poll current(String deviceId) {
        DesiredStates.Revision desired = fleet.desired(deviceId);
        return new Poll(
                tag(desired.revision()),
                new DesiredState(
                        pollIntervalSeconds,
                        desired.models(),
                        federated.task(deviceId).orElse(null)));
    }

    private String tag(long revision) {
        return revision + "-" + pollIntervalSeconds;
    }

    /** Applies a report and, when it ended a rollout's action, advances that rollout; false for a resent one. */
    public boolean report(String deviceId, Feedback report) {
        FeedbackReceiver.Applied applied = feedback.apply(deviceId, report);
        applied.rolloutToAdvance().ifPresent(advancer::request);
        metrics.feedback(applied.accepted());
        return applied.accepted();
    }

    /** A device's opt-in to federated rounds, with the number of examples it holds (0 opts out). */
    public void federatedOptIn(String deviceId, FederatedOptIn optIn) {
        federated.optIn(deviceId, optIn.examples());
    }

    /** Takes a federated update; a refused one is thrown with its named reason, counted. */
    public void federatedUpdate(String deviceId, byte[] body) {
        federated.receive(deviceId, body, body.length);
    }

    /** Stores what the device's quota allows of a telemetry batch; false when that batch id was applied before. */
    public boolean telemetry(String deviceId, TelemetryBatch batch) {
        TelemetryStore.Stored stored = telemetry.accept(deviceId, batch);
        metrics.telemetryBatch(stored.applied());
        stored.dropped().forEach(metrics::telemetryDropped);
        return stored.applied();
    }
}
