package io.fogline.node.ota;

import io.fogline.node.telemetry.TelemetryOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a node finds and trusts its control plane.
 *
 * @param enrolmentToken enrols the node when it holds no credential yet; null for a node that has enrolled
 * @param dataDir holds the update state (ota.db), downloaded blobs and bundle manifests
 * @param trustedKeys the trust store file, re-read before every verification so keys can be rotated in place; its
 *     roots sign the key lists the control plane serves, which the node then follows
 * @param telemetry how the node gathers telemetry, kept in {@code dataDir/telemetry.db} and uploaded at each poll
 * @param trainingData the node's labelled examples for federated rounds (the layout {@code fogline train} reads); null
 *     for a node that takes no part in them
 * @param controlAuthority the PEM CA certificates (or the pinned certificate) the control plane's HTTPS certificate
 *     must chain to; null for the JDK's default CAs
 * @param calibration how the node calibrates each new version's escalation threshold on its label store; null to
 *     serve the bundle's threshold
 */
public record OtaOptions(
        URI control,
        String enrolmentToken,
        String deviceId,
        Map<String, String> labels,
        Path dataDir,
        Path trustedKeys,
        TelemetryOptions telemetry,
        Path trainingData,
        Path controlAuthority,
        CalibrationOptions calibration) {

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
        this(
                control,
                enrolmentToken,
                deviceId,
                labels,
                dataDir,
                trustedKeys,
                TelemetryOptions.defaults(),
                null,
                null,
                null);
    }

    public OtaOptions withTelemetry(TelemetryOptions settings) {
        return copy(b -> b.telemetry = settings);
    }

    /** Takes part in federated rounds, training on the examples in {@code directory}. */
    public OtaOptions withTrainingData(Path directory) {
        return copy(b -> b.trainingData = directory);
    }

    public OtaOptions withControlAuthority(Path authorities) {
        return copy(b -> b.controlAuthority = authorities);
    }

    /** Calibrates each new version's escalation threshold on the node's label store before it serves. */
    public OtaOptions withCalibration(CalibrationOptions settings) {
        return copy(b -> b.calibration = settings);
    }

    public Path database() {
        return database(dataDir);
    }

    /** Where a node with this data directory keeps its update state and credential. */
    public static Path database(Path dataDir) {
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

    /** Withers name only what they change, so a new component is added here once rather than in every wither. */
    private OtaOptions copy(Consumer<Copy> change) {
        Copy b = new Copy();
        change.accept(b);
        return b.build();
    }

    /** Starts as these options; {@code build()} uses the canonical constructor, so what it checks still applies. */
    private final class Copy {
        URI control = OtaOptions.this.control;
        String enrolmentToken = OtaOptions.this.enrolmentToken;
        String deviceId = OtaOptions.this.deviceId;
        Map<String, String> labels = OtaOptions.this.labels;
        Path dataDir = OtaOptions.this.dataDir;
        Path trustedKeys = OtaOptions.this.trustedKeys;
        TelemetryOptions telemetry = OtaOptions.this.telemetry;
        Path trainingData = OtaOptions.this.trainingData;
        Path controlAuthority = OtaOptions.this.controlAuthority;
        CalibrationOptions calibration = OtaOptions.this.calibration;

        OtaOptions build() {
            return new OtaOptions(
                    control,
                    enrolmentToken,
                    deviceId,
                    labels,
                    dataDir,
                    trustedKeys,
                    telemetry,
                    trainingData,
                    controlAuthority,
                    calibration);
        }
    }
}
