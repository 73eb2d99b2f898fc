package io.fogline.optimize.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpySamplesTest {

    @TempDir
    Path directory;

    @Test
    void readsOneSamplePerRowOfEachInputAndTheLabels() throws IOException {
        NpyWriter.floats(directory.resolve("pixels.npy"), new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        NpyWriter.longs(directory.resolve("ids.npy"), new long[] {7, 8, 9}, 3, 1);
        NpyWriter.longs(directory.resolve("labels.npy"), new long[] {2, 0, 1}, 3);

        SampleSet samples = NpySamples.read(directory);

        assertThat(samples.size()).isEqualTo(3);
        assertThat(samples.labels()).containsExactly(2, 0, 1);
        InputTensor.Floats pixels =
                (InputTensor.Floats) samples.samples().get(1).inputs().get("pixels");
        assertThat(pixels.shape()).containsExactly(1, 2);
        assertThat(pixels.values()).containsExactly(3, 4);
        assertThat(((InputTensor.Longs) samples.samples().get(2).inputs().get("ids")).values())
                .containsExactly(9);
    }

    @Test
    void unsupportedElementTypesAreNamed() throws IOException {
        NpyWriter.write(directory.resolve("x.npy"), "<f8", new long[] {1}, new byte[8]);

        assertThatThrownBy(() -> NpySamples.read(directory))
                .isInstanceOf(NpyFormatException.class)
                .hasMessageContaining("element type <f8 is not supported");
    }

    @Test
    void shortFilesAndForeignFilesAreRejected() throws IOException {
        NpyWriter.write(directory.resolve("x.npy"), "<f4", new long[] {4}, new byte[12]);
        assertThatThrownBy(() -> NpySamples.read(directory)).hasMessageContaining("holds 3 of the 4 elements");

        Files.writeString(directory.resolve("x.npy"), "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> NpySamples.read(directory)).hasMessageContaining("is not a .npy file");
    }

    @Test
    void inputsMustAgreeOnTheNumberOfSamples() throws IOException {
        NpyWriter.floats(directory.resolve("a.npy"), new float[4], 4, 1);
        NpyWriter.floats(directory.resolve("b.npy"), new float[3], 3, 1);

        assertThatThrownBy(() -> NpySamples.read(directory)).hasMessageContaining("samples");
    }
}
