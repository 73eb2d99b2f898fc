package io.fogline.learn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    private static TrainTest data;

    @BeforeAll
    static void load() throws IOException {
        data = FashionMnist.load();
    }

    @Test
    void hasThePublishedSplitOfBalancedClasses() {
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        assertThat(data.train().sampleShape()).containsExactly(1, 28, 28);
        int[] perClass = new int[10];
        for (int label : data.train().labels()) {
            perClass[label]++;
        }
        assertThat(perClass).containsOnly(6_000);
    }

    @Test
    void pixelsAreScaledToTheUnitInterval() {
        float[] features = data.test().features();
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float f : features) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertThat(min).isEqualTo(0.0);
        assertThat(max).isEqualTo(1.0);
    }

    @Test
    void holdOutIsADisjointCoverOfTheTrainingSet() {
        Splits.TrainValidation split = Splits.holdOut(data.train().head(1000), 0.2, 7);

        assertThat(split.validation().size()).isEqualTo(200);
        assertThat(split.train().size()).isEqualTo(800);
        int[] all = new int[10];
        for (int label : data.train().head(1000).labels()) {
            all[label]++;
        }
        int[] parts = new int[10];
        for (int label : split.train().labels()) {
            parts[label]++;
        }
        for (int label : split.validation().labels()) {
            parts[label]++;
        }
        assertThat(parts).isEqualTo(all);
        assertThat(Arrays.equals(
                        Splits.holdOut(data.train().head(1000), 0.2, 7)
                                .validation()
                                .labels(),
                        split.validation().labels()))
                .isTrue();
    }

    @Test
    void missingDatasetNamesTheDebianPackage(@TempDir Path empty) {
        assertThatThrownBy(() -> FashionMnist.load(empty))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("dataset-fashion-mnist")
                .hasMessageContaining(empty.toString());
    }
}
