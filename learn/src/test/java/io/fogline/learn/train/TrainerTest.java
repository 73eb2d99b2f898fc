package io.fogline.learn.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.model.Parameter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short runs on a sixth of Fashion-MNIST: enough to show learning, far from the full figures. */
class TrainerTest {

    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() throws IOException {
        TrainTest data = FashionMnist.load();
        train = data.train().head(10_000);
        test = data.test().head(2_000);
    }

    @Test
    void softmaxRegressionLearnsWithAdam() {
        double accuracy = trainAndTest("softmax", TrainingConfig.adam(3, 1).withLearningRate(3e-3));

        assertThat(accuracy).isGreaterThan(0.78);
    }

    @Test
    void mlpLearnsWithSgdAndMomentum() {
        TrainingConfig sgd = TrainingConfig.adam(3, 1)
                .withOptimizer(TrainingConfig.OptimizerKind.SGD)
                .withLearningRate(0.05)
                .withWeightDecay(1e-4);

        assertThat(trainAndTest("mlp:64", sgd)).isGreaterThan(0.8);
    }

    @Test
    void lossFallsAndEveryEpochIsReported() {
        Network network = ModelSpec.parse("mlp:64:dropout=0.2").build(new int[] {784}, 10, 5);
        List<EpochReport> heard = new ArrayList<>();

        TrainingResult result = new Trainer(TrainingConfig.adam(3, 5)).fit(network, train, test, heard::add);

        assertThat(heard).isEqualTo(result.epochs()).hasSize(3);
        assertThat(heard.get(2).trainLoss()).isLessThan(heard.get(0).trainLoss());
        assertThat(heard.get(2).validationAccuracy()).isGreaterThan(0.8);
    }

    @Test
    void theSameSeedTrainsTheSameWeightsBitForBit() {
        float[] first = trainedWeights(9);
        float[] second = trainedWeights(9);
        float[] other = trainedWeights(10);

        assertThat(second).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static float[] trainedWeights(long seed) {
        Network network = ModelSpec.parse("mlp:32:dropout=0.3").build(new int[] {784}, 10, seed);
        new Trainer(TrainingConfig.adam(1, seed))
                .fit(network, train.head(2_000), test.head(0), TrainingListener.SILENT);
        return network.parameters().stream().map(Parameter::values).reduce(new float[0], TrainerTest::concat);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private static double trainAndTest(String spec, TrainingConfig config) {
        Network network = ModelSpec.parse(spec).build(new int[] {784}, 10, config.seed());
        new Trainer(config).fit(network, train, test.head(0), TrainingListener.SILENT);
        return Evaluation.accuracy(network, test);
    }
}
