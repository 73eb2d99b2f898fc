package io.fogline.bench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.bundle.BundleException;
import io.fogline.bundle.Manifest;
import io.fogline.bundle.ManifestFile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated device: it keeps what a node keeps between polls (its credential, ETag, desired state, report
 * {@code seq}, the blobs it holds, the actions it ended) and acts on a desired state as a node does, minus ONNX Runtime: it downloads
 * what it lacks, reports every step and says it switched. Its fields are touched by its own virtual thread only.
 */
final class VirtualDevice {

    private static final List<String> STEPS = List.of("downloading", "verifying", "unpacking", "loading", "testing");

    final String id;
    private final String credential;
    private String etag;
    private long seq;
    private int pollIntervalSeconds;
    private JsonNode desired;
    private final Set<String> blobs = new HashSet<>();
    private final Set<Long> endedActions = new HashSet<>();
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    VirtualDevice(String id, String credential) {
        this.id = id;
        this.credential = credential;
    }

    int pollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    boolean runs(String model, int version) {
        Integer runningVersion = running.get(model);
        return runningVersion != null && runningVersion == version;
    }

    /** One poll, timed into {@code stats}; a changed desired state is then acted on. */
    void poll(DeviceProtocol protocol, FleetStats stats) throws IOException {
        long sent = System.nanoTime();
        DeviceProtocol.Polled polled = protocol.desired(id, credential, etag);
        stats.polled(System.nanoTime() - sent, polled.status());
        if (polled.status() == 200) {
            etag = polled.etag();
            desired = polled.desired();
            pollIntervalSeconds = desired.path("poll_interval_seconds").asInt(30);
        }
        // An update that failed half-way (the control plane answered 500, say) is taken up again at the next poll,
        // even one answered 304, as a node resumes its unfinished actions.
        for (JsonNode wanted : desired == null ? List.<JsonNode>of() : desired.path("models")) {
            long actionId = wanted.path("action_id").asLong();
            if (!endedActions.contains(actionId)) {
                update(protocol, stats, wanted, actionId);
                endedActions.add(actionId);
            }
        }
    }

    private void update(DeviceProtocol protocol, FleetStats stats, JsonNode wanted, long actionId) throws IOException {
        String model = wanted.path("model").asText();
        int version = wanted.path("version").asInt();
        String digest = wanted.path("bundle").asText();
        report(protocol, stats, step(actionId, model, version, STEPS.getFirst()));
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
        for (String status : STEPS.subList(1, STEPS.size())) {
            report(protocol, stats, step(actionId, model, version, status));
        }
        running.put(model, version);
        Map<String, Object> switched = step(actionId, model, version, "switched");
        switched.put("quality", Map.of("golden_passed", true, "p95_ms", 1.0, "error_rate", 0.0));
        List<Map<String, Object>> runs = new ArrayList<>();
        running.forEach((name, runningVersion) -> runs.add(Map.of("model", name, "version", runningVersion)));
        switched.put("running", runs);
        report(protocol, stats, switched);
        stats.switched();
    }

    private Map<String, Object> step(long actionId, String model, int version, String status) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("seq", ++seq);
        report.put("action_id", actionId);
        report.put("model", model);
        report.put("version", version);
        report.put("status", status);
        return report;
    }

    private void report(DeviceProtocol protocol, FleetStats stats, Map<String, Object> report) throws IOException {
        long sent = System.nanoTime();
        protocol.feedback(id, credential, report);
        stats.reported(System.nanoTime() - sent);
    }
}
