package io.fogline.fetch;

import java.util.List;

/**
 * A model the fetcher knows: where its archive comes from, which archive entries to take with their pinned digests,
 * and the {@code config.json} the repository gets for it.
 *
 * @param files the first file is the model itself; the others (tokenizer, labels) go beside {@code config.json}
 */
record CatalogModel(String name, ModelSource source, List<CatalogFile> files, String configJson) {

    CatalogModel {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("catalog model " + name + " has no files");
        }
        files = List.copyOf(files);
    }

    CatalogFile modelFile() {
        return files.getFirst();
    }

    /**
     * One archive entry and where it lands.
     *
     * @param target path relative to the model's directory, e.g. {@code 1/model.onnx} or {@code tokenizer.json}
     * @param sha256 lowercase hex digest of the extracted bytes
     */
    record CatalogFile(String entry, String target, String sha256) {}
}
