package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ServerOptimizerTest {

    @Test
    void plainSgdAddsTheDelta() {
        float[] global = {1, 2, 3};

        ServerOptimizer.parse("sgd").step(global, new float[] {0.5f, -1, 0});

        assertThat(global).containsExactly(1.5f, 1, 3);
    }

    @Test
    void momentumCarriesEarlierRounds() {
        ServerOptimizer sgd = ServerOptimizer.parse("sgd:1:0.9");
        float[] global = {0};

        sgd.step(global, new float[] {1});
        sgd.step(global, new float[] {1});

        // v1 = 1, v2 = 0.9 + 1: the global moved 1 + 1.9.
        assertThat(global[0]).isCloseTo(2.9f, within(1e-6f));
    }

    @Test
    void fedAdamTakesTheStepThePaperWrites() {
        ServerOptimizer adam = new ServerOptimizer.Adam(0.1, 0.9, 0.99, 1e-3);
        float[] global = {0, 0};

        adam.step(global, new float[] {2, -0.5f});

        // m = 0.1Δ, v = 0.01Δ²: the step is η · 0.1Δ / (0.1|Δ| + τ).
        assertThat(global[0]).isCloseTo((float) (0.1 * 0.2 / (0.2 + 1e-3)), within(1e-6f));
        assertThat(global[1]).isCloseTo((float) (-0.1 * 0.05 / (0.05 + 1e-3)), within(1e-6f));
    }

    @Test
    void aRestoredOptimizerContinuesAsIfNeverStopped() {
        ServerOptimizer running = ServerOptimizer.parse("adam:0.05");
        float[] global = {1, -1, 0.5f};
        running.step(global, new float[] {0.1f, 0.2f, -0.3f});
        float[] resumedGlobal = global.clone();
        ServerOptimizer resumed = ServerOptimizer.parse("adam:0.05");
        resumed.restore(running.state());

        running.step(global, new float[] {0.3f, -0.1f, 0.2f});
        resumed.step(resumedGlobal, new float[] {0.3f, -0.1f, 0.2f});

        assertThat(resumedGlobal).containsExactly(global);
    }

    @Test
    void unknownTextShowsTheForms() {
        assertThatThrownBy(() -> ServerOptimizer.parse("rmsprop"))
                .hasMessage("unknown server optimizer 'rmsprop': expected sgd[:RATE[:MOMENTUM]] (sgd is FedAvg,"
                        + " sgd:1:0.9 FedAvgM) or adam[:RATE] (FedAdam)");
        assertThat(ServerOptimizer.parse(ServerOptimizer.parse("sgd:0.5:0.9").toString())
                        .toString())
                .isEqualTo("sgd:0.5:0.9");
    }
}
