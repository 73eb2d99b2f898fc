package io.fogline.node.ota;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a node finds and trusts its control plane.
 *
 * @param dataDir holds the update state (ota.db), downloaded blobs and bundle manifests
 * @param trustedKeys the trust store file, re-read before every verification so keys can be rotated in place
 */
public record OtaOptions(
        URI control,
        String enrolmentToken,
        String deviceId,
        Map<String, String> labels,
        Path dataDir,
        Path trustedKeys) {

    public OtaOptions {
        labels = Map.copyOf(labels);
    }

    public Path database() {
        return dataDir.resolve("ota.db");
    }

    public Path blobs() {
        return dataDir.resolve("blobs");
    }

    public Path bundles() {
        return dataDir.resolve("bundles");
    }
}
