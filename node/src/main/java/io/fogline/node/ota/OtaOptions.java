package io.fogline.node.ota;

import io.fogline.node.telemetry.TelemetryOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a node finds and trusts its control plane.
 *
 * @param dataDir holds the update state (ota.db), downloaded blobs and bundle manifests
 * @param trustedKeys the trust store file, re-read before every verification so keys can be rotated in place; its
 *     roots sign the key lists the control plane serves, which the node then follows
 * @param telemetry how the node gathers telemetry, kept in {@code dataDir/telemetry.db} and uploaded at each poll
 */
public record OtaOptions(
        URI control,
        String enrolmentToken,
        String deviceId,
        Map<String, String> labels,
        Path dataDir,
        Path trustedKeys,
        TelemetryOptions telemetry) {

    public OtaOptions {
        labels = Map.copyOf(labels);
    }

    /** With the default telemetry settings. */
    public OtaOptions(
            URI control,
            String enrolmentToken,
            String deviceId,
            Map<String, String> labels,
            Path dataDir,
            Path trustedKeys) {
        this(control, enrolmentToken, deviceId, labels, dataDir, trustedKeys, TelemetryOptions.defaults());
    }

    public OtaOptions withTelemetry(TelemetryOptions settings) {
        return new OtaOptions(control, enrolmentToken, deviceId, labels, dataDir, trustedKeys, settings);
    }

    public Path database() {
        return dataDir.resolve("ota.db");
    }

    public Path blobs() {
        return dataDir.resolve("blobs");
    }

    /** The key list the node follows, as the control plane served it. */
    public Path keyList() {
        return dataDir.resolve("key-list.json");
    }

    public Path bundles() {
        return dataDir.resolve("bundles");
    }
}
