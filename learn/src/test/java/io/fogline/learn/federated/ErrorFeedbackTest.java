package io.fogline.learn.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateEncoding;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ErrorFeedbackTest {

    /**
     * Over any run of rounds, what was sent plus what is still held equals what was trained: the lossy encoding
     * delays coordinates, it never drops them.
     */
    @Property(tries = 100)
    void sentPlusResidualIsEverythingTrained(@ForAll("lossy") UpdateEncoding encoding, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int dimension = 1 + random.nextInt(400);
        ErrorFeedback feedback = new ErrorFeedback(dimension);
        double[] trained = new double[dimension];
        double[] sent = new double[dimension];
        for (int round = 1; round <= 6; round++) {
            float[] delta = new float[dimension];
            for (int k = 0; k < dimension; k++) {
                delta[k] = (float) random.nextGaussian();
                trained[k] += delta[k];
            }
            byte[] body = feedback.encode(new ModelUpdate("job", round, 5, Map.of(), delta), encoding);
            float[] received = UpdateCodec.decode(body, body.length, dimension).delta();
            for (int k = 0; k < dimension; k++) {
                sent[k] += received[k];
            }
        }
        float[] residual = feedback.residual();
        for (int k = 0; k < dimension; k++) {
            assertThat(sent[k] + residual[k]).isCloseTo(trained[k], within(1e-4));
        }
    }

    @Property(tries = 20)
    void fp32LeavesNothingBehind(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] delta = new float[50];
        for (int k = 0; k < delta.length; k++) {
            delta[k] = (float) random.nextGaussian();
        }
        ErrorFeedback feedback = new ErrorFeedback(50);

        byte[] body = feedback.encode(new ModelUpdate("job", 1, 5, Map.of(), delta), UpdateEncoding.fp32());

        assertThat(UpdateCodec.decode(body, body.length, 50).delta()).containsExactly(delta);
        assertThat(feedback.residual()).containsOnly(0f);
    }

    @Provide
    Arbitrary<UpdateEncoding> lossy() {
        return Arbitraries.of(
                new UpdateEncoding.TopK(0.01),
                new UpdateEncoding.TopK(0.2),
                new UpdateEncoding.Int8(16),
                UpdateEncoding.int8());
    }
}
