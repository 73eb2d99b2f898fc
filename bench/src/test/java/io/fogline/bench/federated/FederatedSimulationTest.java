package io.fogline.bench.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.core.federated.UpdateEncoding;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.model.ModelSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Small federated runs on a slice of Fashion-MNIST: the wiring of clients, intake, screen and strategies. */
class FederatedSimulationTest {

    private static TrainTest data;

    @BeforeAll
    static void load() throws IOException {
        TrainTest full = FashionMnist.load();
        data = new TrainTest(full.train().head(3_000), full.test().head(1_000));
    }

    private static FederatedSimulation.Setup setup(double normScreen) {
        return new FederatedSimulation.Setup(
                ModelSpec.parse("mlp:32"), 6, 3, RoundConfig.sgd(1, 32, 0.05), true, "sgd", normScreen, 4);
    }

    @Test
    void cleanClientsLearnAndEveryRoundIsReported() {
        List<RoundRecord> heard = new ArrayList<>();
        Experiment experiment = new Experiment(
                "IID",
                Partition.parse("iid"),
                Attack.parse("none"),
                0,
                Strategy.parse("fedavg"),
                UpdateEncoding.fp32());

        RunResult run = FederatedSimulation.run(experiment, setup(10), data, (e, record) -> heard.add(record));

        assertThat(heard).isEqualTo(run.rounds()).hasSize(3);
        assertThat(run.finalAccuracy()).isGreaterThan(0.6);
        assertThat(heard).allSatisfy(record -> {
            assertThat(record.accepted()).isEqualTo(6);
            assertThat(record.refusals()).isEqualTo("none");
        });
    }

    @Test
    void boostedSignFlipsAreRefusedByTheScreenAndSmallerOnesNeedARobustRule() {
        Experiment loud = attack("sign-flip:50", "fedavg");
        RunResult screened = FederatedSimulation.run(loud, setup(10), data, (e, record) -> {});
        assertThat(screened.rounds()).allSatisfy(record -> {
            assertThat(record.refusals()).isEqualTo("norm_outlier 2");
            assertThat(record.accepted()).isEqualTo(4);
        });
        assertThat(screened.finalAccuracy()).isGreaterThan(0.6);

        RunResult fedAvg = FederatedSimulation.run(attack("sign-flip:6", "fedavg"), setup(10), data, (e, r) -> {});
        RunResult median = FederatedSimulation.run(attack("sign-flip:6", "median"), setup(10), data, (e, r) -> {});
        assertThat(fedAvg.finalAccuracy()).isLessThan(0.3);
        assertThat(median.finalAccuracy()).isGreaterThan(0.6);
    }

    @Test
    void compressedUpdatesUploadLess() {
        Experiment int8 = new Experiment(
                "IID",
                Partition.parse("iid"),
                Attack.parse("none"),
                0,
                Strategy.parse("fedavg"),
                UpdateEncoding.int8());

        RunResult run = FederatedSimulation.run(int8, setup(10), data, (e, record) -> {});

        // 25,450 parameters: an FP32 body is about 100 kB per client, INT8 about a quarter.
        assertThat(run.uploadBytesPerRound()).isBetween(6 * 25_450L, 6 * 27_000L);
        assertThat(run.finalAccuracy()).isGreaterThan(0.6);
    }

    @Test
    void unknownTextSaysWhatIsAccepted() {
        assertThatThrownBy(() -> Partition.parse("by-hand"))
                .hasMessage("unknown partition 'by-hand': expected iid, dirichlet:ALPHA (e.g. dirichlet:0.5),"
                        + " classes:K or shards:K");
        assertThatThrownBy(() -> Attack.parse("bribe"))
                .hasMessage("unknown attack 'bribe': expected none, label-flip, sign-flip[:SCALE] or"
                        + " gaussian[:SCALE], e.g. sign-flip:5");
        assertThatThrownBy(() -> Strategy.parse("fedprox:-1"))
                .hasMessage("unknown strategy 'fedprox:-1': FedProx takes a positive μ, e.g. fedprox:0.01");
    }

    private static Experiment attack(String attack, String strategy) {
        return new Experiment(
                "attack",
                Partition.parse("iid"),
                Attack.parse(attack),
                1.0 / 3,
                Strategy.parse(strategy),
                UpdateEncoding.fp32());
    }
}
