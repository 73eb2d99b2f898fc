package io.fogline.learn.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

class ProximalTermTest {

    /** The gradient it adds is the derivative of μ/2 ‖w − anchor‖², checked by central differences. */
    @Property(tries = 50)
    void addsTheGradientOfTheHalfSquaredDistance(@ForAll @DoubleRange(min = 0, max = 5) double mu, @ForAll long seed) {
        Network network = ModelSpec.parse("mlp:3").build(new int[] {4}, 2, seed);
        float[] anchor =
                ModelSpec.parse("mlp:3").build(new int[] {4}, 2, seed + 1).parameterVector();
        List<Parameter> parameters = network.parameters();
        ProximalTerm term = new ProximalTerm(mu, anchor);

        term.addGradients(parameters);

        int offset = 0;
        for (Parameter parameter : parameters) {
            for (int k = 0; k < parameter.size(); k++) {
                float w = parameter.values()[k];
                double h = 1e-3;
                double plus = mu / 2 * Math.pow(w + h - anchor[offset + k], 2);
                double minus = mu / 2 * Math.pow(w - h - anchor[offset + k], 2);
                assertThat((double) parameter.gradients()[k]).isCloseTo((plus - minus) / (2 * h), within(1e-4));
            }
            offset += parameter.size();
        }
    }
}
