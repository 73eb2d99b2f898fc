package io.fogline.learn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void parsesTheCommandLineNotationBothWays() {
        assertThat(ModelSpec.parse("softmax").hiddenWidths()).isEmpty();
        assertThat(ModelSpec.parse("mlp:256,128").hiddenWidths()).containsExactly(256, 128);
        assertThat(ModelSpec.parse("mlp:100:dropout=0.2").dropout()).isEqualTo(0.2);
        assertThat(ModelSpec.parse("cnn:16,32").convolutionFilters()).containsExactly(16, 32);
        assertThat(ModelSpec.parse("cnn:32,64:dense=128:dropout=0.3").hiddenWidths())
                .containsExactly(128);
        for (String spec : new String[] {
            "softmax",
            "mlp:256,128",
            "mlp:100:dropout=0.2",
            "cnn:16,32",
            "cnn:8:dense=16",
            "cnn:32,64:dense=128:dropout=0.3"
        }) {
            assertThat(ModelSpec.parse(spec).toString()).isEqualTo(spec);
        }
    }

    @Test
    void rejectsWhatItCannotBuildWithTheExpectedForm() {
        for (String spec : new String[] {
            "cnn2",
            "mlp",
            "mlp:",
            "mlp:a,b",
            "mlp:0",
            "softmax:3",
            "mlp:8:drop=1",
            "cnn",
            "cnn:8:dropout=0.1:dense=4",
            "cnn:8:dense=4:dropout=0.1:x"
        }) {
            assertThatThrownBy(() -> ModelSpec.parse(spec))
                    .as(spec)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(spec.equals("mlp:0") ? "positive" : "mlp:W1[,W2...]");
        }
        assertThatThrownBy(() -> ModelSpec.parse("cnn:8:dropout=0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dropout needs hidden layers to drop from");
    }

    @Test
    void buildsHiddenDenseLayersAfterTheConvolutions() {
        Network network = ModelSpec.parse("cnn:4:dense=8:dropout=0.2").build(new int[] {1, 28, 28}, 10, 1);

        assertThat(network.layers())
                .extracting(layer -> layer.getClass().getSimpleName())
                .containsExactly("Conv2d", "Relu", "MaxPool2d", "Dense", "Relu", "Dropout", "Dense");
        assertThat(network.parameterCount()).isEqualTo(4 * 9 + 4 + 4 * 196 * 8 + 8 + 8 * 10 + 10);
    }

    @Test
    void buildsConvolutionStagesOfConvReluAndPool() {
        Network network = ModelSpec.parse("cnn:16,32").build(new int[] {1, 28, 28}, 10, 1);

        assertThat(network.layers())
                .extracting(layer -> layer.getClass().getSimpleName())
                .containsExactly("Conv2d", "Relu", "MaxPool2d", "Conv2d", "Relu", "MaxPool2d", "Dense");
        assertThat(network.layers().get(5).outputShape()).containsExactly(32, 7, 7);
        assertThat(network.parameterCount()).isEqualTo(16 * 9 + 16 + 32 * 16 * 9 + 32 + 32 * 49 * 10 + 10);
    }

    @Test
    void buildsTheLayersItNames() {
        Network network = ModelSpec.parse("mlp:32,16:dropout=0.5").build(new int[] {784}, 10, 1);

        assertThat(network.layers())
                .extracting(layer -> layer.getClass().getSimpleName())
                .containsExactly("Dense", "Relu", "Dropout", "Dense", "Relu", "Dropout", "Dense");
        assertThat(network.parameterCount()).isEqualTo(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10);
    }
}
