package io.fogline.bench.sim;

import io.fogline.bundle.BundleException;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Feedback;
import io.fogline.core.device.Quality;
import io.fogline.core.device.RunningModel;
import io.fogline.core.device.UpdateStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated device: it keeps what a node keeps between polls (its credential, ETag, desired state, report
 * {@code seq}, the blobs it holds, the actions it ended) and acts on a desired state as a node does, minus ONNX Runtime: it downloads
 * what it lacks, reports every step and says it switched. Its fields are touched by its own virtual thread only.
 */
final class VirtualDevice {

    private static final List<UpdateStatus> STEPS = List.of(
            UpdateStatus.DOWNLOADING,
            UpdateStatus.VERIFYING,
            UpdateStatus.UNPACKING,
            UpdateStatus.LOADING,
            UpdateStatus.TESTING);
    private static final Quality GOOD = new Quality(true, 1.0, 0.0, 0.05);

    final String id;
    private final String credential;
    private String etag;
    private long seq;
    private long pollIntervalSeconds;
    private DesiredState desired;
    private final Set<String> blobs = new HashSet<>();
    private final Set<Long> endedActions = new HashSet<>();
    private final Map<String, Long> running = new ConcurrentHashMap<>();
    private Instant windowStart;

    VirtualDevice(String id, String credential) {
        this.id = id;
        this.credential = credential;
    }

    long pollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    boolean runs(String model, long version) {
        Long runningVersion = running.get(model);
        return runningVersion != null && runningVersion == version;
    }

    /**
     * Uploads a telemetry window, as a node does after a poll, once {@code every} has passed since the last one (the
     * first window starts at a random point, so the fleet's uploads spread out).
     */
    void uploadTelemetry(DeviceProtocol protocol, FleetStats stats, Duration every) throws IOException {
        Instant now = Instant.now();
        if (windowStart == null) {
            windowStart = now.minusMillis(ThreadLocalRandom.current().nextLong(every.toMillis()));
        }
        if (Duration.between(windowStart, now).compareTo(every) < 0) {
            return;
        }
        long sent = System.nanoTime();
        protocol.telemetry(
                id, credential, DeviceTelemetry.batch(running, windowStart, now, ThreadLocalRandom.current()));
        stats.uploaded(System.nanoTime() - sent);
        windowStart = now;
    }

    /** One poll, timed into {@code stats}; a changed desired state is then acted on. */
    void poll(DeviceProtocol protocol, FleetStats stats) throws IOException {
        long sent = System.nanoTime();
        DeviceProtocol.Polled polled = protocol.desired(id, credential, etag);
        stats.polled(System.nanoTime() - sent, polled.status());
        if (polled.status() == 200) {
            etag = polled.etag();
            desired = polled.desired();
            pollIntervalSeconds = desired.pollIntervalSeconds();
        }
        // An update that failed half-way (the control plane answered 500, say) is taken up again at the next poll,
        // even one answered 304, as a node resumes its unfinished actions.
        for (DesiredModel wanted : desired == null ? List.<DesiredModel>of() : desired.models()) {
            if (!endedActions.contains(wanted.actionId())) {
                update(protocol, stats, wanted);
                endedActions.add(wanted.actionId());
            }
        }
    }

    private void update(DeviceProtocol protocol, FleetStats stats, DesiredModel wanted) throws IOException {
        String digest = wanted.bundle();
        report(protocol, stats, step(wanted, STEPS.getFirst(), null, null));
        Manifest manifest;
        try {
            manifest = Manifest.parse(protocol.fetch("bundles/" + digest + "/manifest", credential));
        } catch (BundleException e) {
            throw new IOException("bundle " + digest + ": " + e.getMessage(), e);
        }
        protocol.fetch("bundles/" + digest + "/signature", credential);
        for (ManifestFile file : manifest.files()) {
            if (!blobs.contains(file.sha256())) {
                byte[] blob = protocol.fetch("blobs/" + file.sha256(), credential);
                if (blob.length != file.size()) {
                    throw new IOException(
                            "blob " + file.sha256() + " is " + blob.length + " bytes, not " + file.size());
                }
                stats.downloaded(blob.length);
                blobs.add(file.sha256());
            }
        }
        for (UpdateStatus status : STEPS.subList(1, STEPS.size())) {
            report(protocol, stats, step(wanted, status, null, null));
        }
        running.put(wanted.model(), wanted.version());
        List<RunningModel> runs = running.entrySet().stream()
                .map(entry -> new RunningModel(entry.getKey(), entry.getValue()))
                .toList();
        report(protocol, stats, step(wanted, UpdateStatus.SWITCHED, GOOD, runs));
        stats.switched();
    }

    private Feedback step(DesiredModel wanted, UpdateStatus status, Quality quality, List<RunningModel> runs) {
        return new Feedback(++seq, wanted.actionId(), wanted.model(), wanted.version(), status, null, quality, runs);
    }

    private void report(DeviceProtocol protocol, FleetStats stats, Feedback report) throws IOException {
        long sent = System.nanoTime();
        protocol.feedback(id, credential, report);
        stats.reported(System.nanoTime() - sent);
    }
}
