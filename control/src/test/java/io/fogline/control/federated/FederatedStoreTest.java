package io.fogline.control.federated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.control.TestStore;
import io.fogline.control.store.Database;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The federated rows on SQLite and on PostgreSQL, where an intake and an aggregation meet at a round's deadline. */
@ParameterizedClass
@EnumSource(TestStore.class)
class FederatedStoreTest {

    private static final String JOB = "fl-edge";
    private static final int DIMENSION = 4;
    private static final long NOW = 1_000_000;
    private static final long DEADLINE = NOW + 60_000;

    @Parameter
    TestStore kind;

    @TempDir
    Path dir;

    private TestStore.Created created;
    private Database database;
    private FederatedStore store;

    @BeforeEach
    void openARoundForThreeDevices() {
        created = kind.create();
        database = created.url() == null
                ? Database.sqlite(dir.resolve("control.db"))
                : Database.postgres(created.url(), 4);
        store = new FederatedStore(database);
        List<String> devices = List.of("dev-a", "dev-b", "dev-c");
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO devices (id, credential_hash," + " labels, enrolled_at) VALUES (?, ?, '{}', 0)")) {
                for (String device : devices) {
                    insert.setString(1, device);
                    insert.setString(2, "hash-" + device);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
        store.insertJob(
                JobSpec.fromJson("{\"id\":\"" + JOB + "\",\"model\":\"toy\",\"version\":1,\"target\":{\"group\":"
                        + "\"cameras\"},\"rounds\":2,\"fraction\":1,\"minClients\":3,\"minReplies\":2,"
                        + "\"localEpochs\":1,\"batchSize\":32,\"learningRate\":0.05,\"encoding\":\"fp32\","
                        + "\"aggregation\":\"fedavg\",\"server\":\"sgd\",\"roundSeconds\":60,\"maxExamples\":100}"),
                "sha-base",
                16,
                DIMENSION,
                2,
                NOW);
        assertThat(store.openRound(store.job(JOB).orElseThrow(), 1, devices, NOW, DEADLINE))
                .isTrue();
    }

    @AfterEach
    void close() {
        database.close();
        created.close();
    }

    private boolean send(String device, long at) {
        return store.insertUpdate(JOB, 1, device, 10, Map.of(), new float[DIMENSION], 0, at);
    }

    private static FederatedStore.Aggregated of(int aggregated, List<String> outliers) {
        return new FederatedStore.Aggregated(aggregated, null, outliers, "sha-next", 16, null, false);
    }

    @Test
    void anUpdateAcceptedAfterTheAggregationReadTheRoundKeepsTheRoundOpenUntilItIsAggregatedWithIt() {
        assertThat(send("dev-a", NOW + 1)).isTrue();
        assertThat(send("dev-b", NOW + 2)).isTrue();
        int read = new StoredUpdates(database, JOB, 1, DIMENSION).size();
        assertThat(send("dev-c", DEADLINE - 1))
                .as("sent before the deadline, while the aggregation computes")
                .isTrue();

        assertThat(store.aggregated(JOB, 1, of(read, List.of()), DEADLINE + 5))
                .as("an aggregate of %d updates when the round holds 3", read)
                .isFalse();
        FederatedStore.History open = store.history(JOB).orElseThrow();
        assertThat(open.rounds().get(0).state()).isEqualTo(FederatedStore.OPEN);
        assertThat(open.answered()).containsEntry(1, 3L);

        int again = new StoredUpdates(database, JOB, 1, DIMENSION).size();
        assertThat(store.aggregated(JOB, 1, of(again - 1, List.of("dev-c")), DEADLINE + 10))
                .isTrue();
        FederatedStore.History closed = store.history(JOB).orElseThrow();
        assertThat(closed.rounds().get(0).state()).isEqualTo(FederatedStore.AGGREGATED);
        assertThat(closed.rounds().get(0).aggregated()).isEqualTo(2L);
        assertThat(closed.refusals()).containsEntry(1, Map.of("norm_outlier", 1L));
    }
}
