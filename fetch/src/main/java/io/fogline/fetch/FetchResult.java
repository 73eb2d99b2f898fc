package io.fogline.fetch;

import java.nio.file.Path;

/**
 * A model in place in the repository.
 *
 * @param modelFile {@code <repository>/<model>/<version>/model.onnx}
 * @param sha256 the verified digest of the model file
 * @param bytes the size of the model file
 */
public record FetchResult(String model, Status status, Path modelFile, String sha256, long bytes) {

    public enum Status {
        FETCHED,
        /** All files were there with their pinned digests, so nothing was fetched. */
        ALREADY_PRESENT
    }
}
