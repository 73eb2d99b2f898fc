package io.fogline.learn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;

class IdxReaderTest {

    private static Path directory;

    @BeforeContainer
    static void createDirectory() throws IOException {
        directory = Files.createTempDirectory("idx-test");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    record Array(int[] dimensions, byte[] elements) {}

    @Provide
    Arbitrary<Array> arrays() {
        return Arbitraries.integers()
                .between(0, 6)
                .array(int[].class)
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(dimensions -> Arbitraries.bytes()
                        .array(byte[].class)
                        .ofSize(Arrays.stream(dimensions).reduce(1, (a, b) -> a * b))
                        .map(elements -> new Array(dimensions, elements)));
    }

    @Property(tries = 60)
    void readsBackWhatWasWrittenPlainOrCompressed(@ForAll("arrays") Array array, @ForAll boolean gzip)
            throws IOException {
        Path file = Files.createTempFile(directory, "array", gzip ? ".gz" : "");
        try (OutputStream out =
                gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(idx(0x08, array.dimensions(), array.elements()));
        }

        IdxArray read = IdxReader.read(file);

        assertThat(read.dimensions()).containsExactly(array.dimensions());
        assertThat(read.elements()).containsExactly(array.elements());
        assertThat(read.count() * read.itemSize()).isEqualTo(array.elements().length);
    }

    @Property(tries = 40)
    void aFileCutShortIsRejectedNotPadded(@ForAll("nonEmptyArrays") Array array, @ForAll("fractions") double keep) {
        byte[] whole = idx(0x08, array.dimensions(), array.elements());
        byte[] cut = Arrays.copyOf(whole, (int) (whole.length * keep));

        assertThatThrownBy(() -> IdxReader.read(new ByteArrayInputStream(cut), "cut"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageStartingWith("cut: ");
    }

    @Provide
    Arbitrary<Array> nonEmptyArrays() {
        return arrays().filter(array -> array.elements().length > 0);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 0.99).ofScale(3);
    }

    @Test
    void rejectsOtherElementTypesByName() {
        byte[] floats = idx(0x0D, new int[] {1}, new byte[4]);

        assertThatThrownBy(() -> IdxReader.read(new ByteArrayInputStream(floats), "floats.idx"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("element type 0x0d is not supported");
    }

    @Test
    void rejectsFilesThatAreNotIdx() {
        byte[] text = "hello, world".getBytes();

        assertThatThrownBy(() -> IdxReader.read(new ByteArrayInputStream(text), "hello.txt"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("not an IDX file");
    }

    static byte[] idx(int type, int[] dimensions, byte[] elements) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt((type << 8) | dimensions.length);
            for (int dimension : dimensions) {
                out.writeInt(dimension);
            }
            out.write(elements);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }
}
