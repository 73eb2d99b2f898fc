package io.fogline.runtime.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.runtime.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibrariesTest {

    @Test
    void onnxRuntimeLoadsFromTheUnpackedCacheOnLinux(@TempDir Path directory) throws Exception {
        try (OnnxModel model = OnnxModel.load(TinyModels.add(directory.resolve("add.onnx")), 1)) {
            assertThat(model.inputs()).hasSize(2);
        }
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            Path cache = Path.of(System.getProperty("onnxruntime.native.path"));
            assertThat(cache.getFileName().toString()).startsWith("onnxruntime-1.");
            assertThat(cache.resolve("libonnxruntime.so")).isRegularFile();
            assertThat(Files.size(cache.resolve("libonnxruntime4j_jni.so"))).isPositive();
        }
    }
}
