package io.fogline.optimize.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.fogline.optimize.TestModels;
import io.fogline.optimize.quantize.QuantizationOptions;
import io.fogline.optimize.quantize.Quantizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxFilesTest {

    @TempDir
    Path directory;

    @Test
    void aTruncatedModelIsRejectedNamingTheFile() throws IOException {
        byte[] whole = TestModels.matMul(32, 32, 13, 1).toByteArray();
        Path file = directory.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> OnnxFiles.read(file))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageStartingWith(file + " is not an ONNX model (truncated or not protobuf)");
    }

    @Test
    void quantizingAMalformedFileFailsBeforeWritingAnything() throws IOException {
        Path file = directory.resolve("notes.onnx");
        Files.writeString(file, "these are not the weights you are looking for", StandardCharsets.UTF_8);
        Path out = directory.resolve("out.onnx");

        assertThatThrownBy(() -> Quantizer.quantize(file, out, QuantizationOptions.dynamic()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("notes.onnx");
        assertThat(out).doesNotExist();
    }

    @Test
    void emptyAndMissingFilesSaySo() throws IOException {
        Path empty = Files.createFile(directory.resolve("empty.onnx"));

        assertThatThrownBy(() -> OnnxFiles.read(empty))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> OnnxFiles.read(directory.resolve("absent.onnx")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("absent.onnx");
    }

    @Test
    void validProtobufThatIsNotAModelIsRejected() throws IOException {
        Path file = directory.resolve("graphless.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8).build().toByteArray());

        assertThatThrownBy(() -> OnnxFiles.read(file))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has no graph");
    }

    /** Whatever the bytes, the answer is a model or an InvalidModelException: never another failure. */
    @Property(tries = 300)
    void randomBytesNeverPassAsAModel(@ForAll @Size(min = 1, max = 300) byte[] bytes) throws IOException {
        Path file = Files.createTempFile("random", ".onnx");
        try {
            Files.write(file, bytes);
            assertThatThrownBy(() -> OnnxFiles.read(file)).isInstanceOf(InvalidModelException.class);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void whatIsWrittenReadsBackUnchanged() throws IOException {
        ModelProto model = TestModels.gather(10, 4, 2);
        Path file = directory.resolve("sub/model.onnx");

        OnnxFiles.write(model, file);

        assertThat(OnnxFiles.read(file)).isEqualTo(model);
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }
}
