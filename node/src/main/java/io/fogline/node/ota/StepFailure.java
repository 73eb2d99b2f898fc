package io.fogline.node.ota;

import io.fogline.core.device.Quality;

/**
 * An update that cannot succeed for a reason of the node's own (docs/protocol.md): {@code manifest_mismatch},
 * {@code load_failed}, {@code golden_failed}, {@code version_conflict}, {@code superseded}, {@code trust_store}.
 */
final class StepFailure extends Exception {

    final String code;
    final String detail;
    final Quality quality;

    StepFailure(String code, String detail, Quality quality) {
        super(code + ": " + detail);
        this.code = code;
        this.detail = detail;
        this.quality = quality;
    }

    StepFailure(String code, String detail) {
        this(code, detail, null);
    }
}
