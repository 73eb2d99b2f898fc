package io.fogline.learn.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetworkParameterVectorTest {

    @Test
    void theVectorIsTheParametersInOrderAndLoadsBack() {
        Network network = ModelSpec.parse("cnn:2").build(new int[] {1, 6, 6}, 3, 4);
        float[] vector = network.parameterVector();

        assertThat(vector).hasSize((int) network.parameterCount());
        int offset = 0;
        for (Parameter parameter : network.parameters()) {
            for (int k = 0; k < parameter.size(); k++) {
                assertThat(vector[offset + k]).isEqualTo(parameter.values()[k]);
            }
            offset += parameter.size();
        }

        Network other = ModelSpec.parse("cnn:2").build(new int[] {1, 6, 6}, 3, 5);
        assertThat(other.parameterVector()).isNotEqualTo(vector);
        other.loadParameterVector(vector);
        assertThat(other.parameterVector()).containsExactly(vector);
        float[] input = new float[36];
        input[7] = 1;
        assertThat(other.probabilities(input, 1)).containsExactly(network.probabilities(input, 1));
    }

    @Test
    void aVectorOfAnotherLengthIsRefused() {
        Network network = ModelSpec.parse("mlp:256,128").build(new int[] {784}, 10, 1);

        assertThat(network.parameterCount()).isEqualTo(235_146);
        assertThatThrownBy(() -> network.loadParameterVector(new float[10]))
                .hasMessage("the network has 235146 parameters, the vector 10");
    }
}
