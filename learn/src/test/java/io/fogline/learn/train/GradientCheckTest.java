package io.fogline.learn.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class GradientCheckTest {

    private static final int[] EXAMPLE_SHAPE = {2, 4, 4};
    private static final int INPUTS = 32;
    private static final int CLASSES = 4;
    private static final int BATCH = 5;
    private static final float STEP = 1e-3f;

    /** Back-propagated gradients agree with central finite differences of the loss. */
    @Property(tries = 30)
    void backPropagationMatchesFiniteDifferences(@ForAll("architectures") String architecture, @ForAll long seed) {
        Network network = ModelSpec.parse(architecture).build(EXAMPLE_SHAPE, CLASSES, seed);
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] inputs = new float[BATCH * INPUTS];
        for (int k = 0; k < inputs.length; k++) {
            inputs[k] = (float) random.nextGaussian();
        }
        int[] labels = random.ints(BATCH, 0, CLASSES).toArray();
        float[] logitGradient = new float[BATCH * CLASSES];
        CrossEntropy.lossAndGradient(network.logits(inputs, BATCH, true), labels, BATCH, CLASSES, logitGradient);
        network.backward(logitGradient, BATCH);

        for (Parameter parameter : network.parameters()) {
            float[] analytic = parameter.gradients().clone();
            for (int k = 0; k < parameter.size(); k++) {
                float saved = parameter.values()[k];
                double here = meanLoss(network, inputs, labels);
                parameter.values()[k] = saved + STEP;
                double plus = meanLoss(network, inputs, labels);
                parameter.values()[k] = saved - STEP;
                double minus = meanLoss(network, inputs, labels);
                parameter.values()[k] = saved;
                // A step that crosses a ReLU's kink spoils the central difference; the one-sided difference on the
                // other side of the kink is still exact to first order.
                double[] estimates = {(plus - minus) / (2 * STEP), (plus - here) / STEP, (here - minus) / STEP};
                double gradient = analytic[k];
                boolean agrees = Arrays.stream(estimates)
                        .anyMatch(estimate -> Math.abs(estimate - gradient) <= 1e-3 + 2e-2 * Math.abs(estimate));
                assertThat(agrees)
                        .as(
                                "%s[%d]: back-propagated %f, finite differences %s",
                                parameter.name(), k, gradient, Arrays.toString(estimates))
                        .isTrue();
            }
        }
    }

    @Provide
    Arbitrary<String> architectures() {
        return Arbitraries.of("softmax", "mlp:6", "mlp:6,5", "cnn:3", "cnn:3,2", "cnn:3:dense=5");
    }

    private static double meanLoss(Network network, float[] inputs, int[] labels) {
        float[] unused = new float[BATCH * CLASSES];
        return CrossEntropy.lossAndGradient(network.logits(inputs, BATCH, false), labels, BATCH, CLASSES, unused)
                / BATCH;
    }
}
