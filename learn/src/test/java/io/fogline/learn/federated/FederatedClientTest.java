package io.fogline.learn.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.model.ModelSpec;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A client's round on a slice of Fashion-MNIST: an update that helps, carries its count, and leaves nothing else. */
class FederatedClientTest {

    private static Dataset local;
    private static Dataset test;

    @BeforeAll
    static void load() throws IOException {
        TrainTest data = FashionMnist.load();
        local = data.train().head(1_000);
        test = data.test().head(1_000);
    }

    @Test
    void theUpdateMovesTheGlobalModelTowardsTheLocalData() {
        Network network = ModelSpec.parse("mlp:32").build(new int[] {784}, 10, 1);
        float[] global = network.parameterVector();
        float[] untouched = global.clone();
        double before = Evaluation.accuracy(network, test);

        ModelUpdate update =
                new FederatedClient(network).train("job", 1, global, local, RoundConfig.sgd(2, 32, 0.05), 7);

        assertThat(global).containsExactly(untouched);
        assertThat(update.exampleCount()).isEqualTo(1_000);
        assertThat(update.metrics()).containsOnlyKeys("loss", "accuracy");
        assertThat(update.metrics().get("accuracy")).isGreaterThan(0.5);
        float[] trained = global.clone();
        for (int k = 0; k < trained.length; k++) {
            trained[k] += update.delta()[k];
        }
        network.loadParameterVector(trained);
        assertThat(Evaluation.accuracy(network, test)).isGreaterThan(before + 0.3);
    }

    /** Dropout masks come from the network's own stream, so this holds for networks without dropout. */
    @Test
    void theSameSeedGivesTheSameUpdate() {
        Network network = ModelSpec.parse("mlp:16").build(new int[] {784}, 10, 3);
        float[] global = network.parameterVector();
        FederatedClient client = new FederatedClient(network);

        ModelUpdate first = client.train("job", 1, global, local.head(300), RoundConfig.sgd(1, 16, 0.05), 11);
        ModelUpdate second = client.train("job", 1, global, local.head(300), RoundConfig.sgd(1, 16, 0.05), 11);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void clippingBoundsTheNorm() {
        Network network = ModelSpec.parse("mlp:32").build(new int[] {784}, 10, 1);
        float[] global = network.parameterVector();
        RoundConfig config = RoundConfig.sgd(1, 32, 0.1);

        double free = new FederatedClient(network)
                .train("job", 1, global, local, config, 1)
                .norm();
        double clipped = new FederatedClient(network)
                .train("job", 1, global, local, config.withClipNorm(free / 4), 1)
                .norm();

        assertThat(clipped).isCloseTo(free / 4, within(free * 1e-4));
    }

    @Test
    void theProximalTermKeepsTheClientNearTheGlobalModel() {
        Network network = ModelSpec.parse("mlp:32").build(new int[] {784}, 10, 1);
        float[] global = network.parameterVector();
        RoundConfig config = RoundConfig.sgd(3, 32, 0.05);

        double plain = new FederatedClient(network)
                .train("job", 1, global, local, config, 1)
                .norm();
        double proximal = new FederatedClient(network)
                .train("job", 1, global, local, config.withProximalMu(1.0), 1)
                .norm();

        assertThat(proximal).isLessThan(plain * 0.8);
    }
}
