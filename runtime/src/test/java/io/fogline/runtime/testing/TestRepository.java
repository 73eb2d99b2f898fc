package io.fogline.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Lays out a model repository for tests: {@code <root>/<model>/<version>/model.onnx} and
 * {@code <root>/<model>/config.json}. Pair it with {@link TinyModels}, e.g.
 * {@code TinyModels.add(repository.modelFile("add", 1))}.
 */
public record TestRepository(Path root) {

    /** Where a version's model goes; its directory is created, the file is left for the caller to write. */
    public Path modelFile(String model, long version) throws IOException {
        Path directory = root.resolve(model).resolve(Long.toString(version));
        Files.createDirectories(directory);
        return directory.resolve("model.onnx");
    }

    public TestRepository config(String model, String json) throws IOException {
        Path directory = Files.createDirectories(root.resolve(model));
        Files.writeString(directory.resolve("config.json"), json, StandardCharsets.UTF_8);
        return this;
    }
}
