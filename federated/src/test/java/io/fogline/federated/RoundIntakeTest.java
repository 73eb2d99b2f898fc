package io.fogline.federated;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Every bad update is refused with its reason and counted; the round's state stays as if it never came. */
class RoundIntakeTest {

    private static final RoundRules RULES = new RoundRules("job-7", 3, 4, Set.of("a", "b", "c", "d"), 10_000);

    private final RefusalCounts refusals = new RefusalCounts();
    private final RoundIntake intake = new RoundIntake(RULES, refusals);

    @Test
    void aWellFormedUpdateFromTheCohortIsAccepted() {
        ModelUpdate update = update("job-7", 3, 600, new float[] {1, 2, 3, 4});

        Verdict verdict = offer("a", body(update));

        assertThat(verdict).isEqualTo(new Verdict.Accepted(update));
        assertThat(refusals.total()).isZero();
        assertThat(intake.acceptedCount()).isEqualTo(1);
    }

    @Test
    void eachBadUpdateIsRefusedWithItsReason() {
        float[] good = {1, 2, 3, 4};
        assertRefused(
                "stranger",
                body(update("job-7", 3, 5, good)),
                Refusal.NOT_ENROLLED,
                "stranger is not among round 3's clients");
        assertRefused(
                "a", "not an update".getBytes(), Refusal.MALFORMED, "not an update: the body does not begin with FLUP");
        assertRefused(
                "a",
                body(update("job-8", 3, 5, good)),
                Refusal.UNKNOWN_ROUND,
                "the update is for job job-8, this is job-7");
        assertRefused("a", body(update("job-7", 4, 5, good)), Refusal.UNKNOWN_ROUND, "round 4 is not open; round 3 is");
        assertRefused(
                "a", body(update("job-7", 2, 5, good)), Refusal.CLOSED_ROUND, "round 2 has closed; round 3 is open");
        assertRefused(
                "a",
                body(update("job-7", 3, 5, new float[] {1, 2, 3})),
                Refusal.WRONG_SHAPE,
                "the delta has 3 coordinates, the model 4");
        assertRefused(
                "a",
                body(update("job-7", 3, 0, good)),
                Refusal.EXAMPLE_COUNT,
                "an update claims 1 to 10000 examples, not 0");
        assertRefused(
                "a",
                body(update("job-7", 3, 1_000_000, good)),
                Refusal.EXAMPLE_COUNT,
                "an update claims 1 to 10000 examples, not 1000000");
        assertRefused(
                "a",
                body(update("job-7", 3, 5, new float[] {1, Float.NaN, 3, 4})),
                Refusal.NOT_FINITE,
                "coordinate 1 is NaN");
        assertRefused(
                "a",
                body(update("job-7", 3, 5, new float[] {1, 2, Float.NEGATIVE_INFINITY, 4})),
                Refusal.NOT_FINITE,
                "coordinate 2 is -Infinity");
        ModelUpdate badMetric = new ModelUpdate("job-7", 3, 5, Map.of("loss", Double.NaN), good);
        assertRefused("a", body(badMetric), Refusal.NOT_FINITE, "metric loss is NaN");
        byte[] truncated = body(update("job-7", 3, 5, good));
        assertRefused(
                "a",
                Arrays.copyOf(truncated, truncated.length - 1),
                Refusal.MALFORMED,
                "the body ends at byte " + (truncated.length - 1) + " but FP32 delta at byte " + (truncated.length - 16)
                        + " need 16");

        assertThat(refusals.asMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        Refusal.NOT_ENROLLED, 1L,
                        Refusal.MALFORMED, 2L,
                        Refusal.UNKNOWN_ROUND, 2L,
                        Refusal.CLOSED_ROUND, 1L,
                        Refusal.WRONG_SHAPE, 1L,
                        Refusal.EXAMPLE_COUNT, 2L,
                        Refusal.NOT_FINITE, 3L));
        // None of them took the client's place: its correct update still enters.
        assertThat(intake.acceptedCount()).isZero();
        assertThat(offer("a", body(update("job-7", 3, 5, good)))).isInstanceOf(Verdict.Accepted.class);
    }

    @Test
    void aSecondUpdateFromTheSameClientIsADuplicate() {
        offer("b", body(update("job-7", 3, 5, new float[] {1, 2, 3, 4})));

        assertRefused(
                "b",
                body(update("job-7", 3, 5, new float[] {4, 3, 2, 1})),
                Refusal.DUPLICATE,
                "b already has an update in round 3");
        assertThat(intake.acceptedCount()).isEqualTo(1);
    }

    @Test
    void aClosedRoundRefusesEverything() {
        intake.close();

        assertRefused(
                "c",
                body(update("job-7", 3, 5, new float[] {1, 2, 3, 4})),
                Refusal.CLOSED_ROUND,
                "round 3 of job job-7 has closed");
    }

    @Test
    void aResumedRoundRemembersWhoHasSent() {
        RoundIntake resumed = new RoundIntake(RULES, refusals, List.of("a", "c"));
        byte[] body = body(update("job-7", 3, 5, new float[4]));

        assertThat(resumed.offer("a", body, body.length))
                .isEqualTo(new Verdict.Refused(Refusal.DUPLICATE, "a already has an update in round 3"));
        assertThat(resumed.offer("b", body, body.length)).isInstanceOf(Verdict.Accepted.class);
        assertThat(resumed.acceptedCount()).isEqualTo(3);
    }

    @Test
    void racingUploadsFromOneClientAdmitExactlyOne() throws Exception {
        byte[] body = body(update("job-7", 3, 5, new float[] {1, 2, 3, 4}));
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Verdict>> verdicts = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                verdicts.add(pool.submit(() -> {
                    start.await();
                    return offer("d", body);
                }));
            }
            start.countDown();
            int accepted = 0;
            for (Future<Verdict> verdict : verdicts) {
                accepted += verdict.get() instanceof Verdict.Accepted ? 1 : 0;
            }
            assertThat(accepted).isEqualTo(1);
        }
        assertThat(refusals.get(Refusal.DUPLICATE)).isEqualTo(threads - 1);
    }

    /**
     * A round where half the bodies are poison: what is aggregated is exactly what the honest clients sent, as if the
     * poison had never arrived.
     */
    @Test
    void poisonNeverReachesTheAggregate() {
        SplittableRandom random = new SplittableRandom(5);
        Set<String> cohort = Set.of("h1", "h2", "h3", "h4", "h5", "p1", "p2", "p3", "p4", "p5");
        RoundRules rules = new RoundRules("job", 1, 50, cohort, 1_000);
        RefusalCounts counts = new RefusalCounts();
        RoundIntake round = new RoundIntake(rules, counts);
        InMemoryUpdates stored = new InMemoryUpdates(50);
        InMemoryUpdates honest = new InMemoryUpdates(50);
        for (int i = 1; i <= 5; i++) {
            ModelUpdate update = update("job", 1, 100 * i, Updates.gaussian(50, 1, random));
            honest.add("h" + i, update);
            store(round, stored, "h" + i, body(update));
        }
        float[] nan = Updates.gaussian(50, 1, random);
        nan[7] = Float.NaN;
        float[] boosted = Updates.gaussian(50, 1000, random);
        store(round, stored, "p1", body(update("job", 1, 100, nan)));
        store(round, stored, "p2", body(update("job", 1, 100, Updates.gaussian(49, 1, random))));
        store(round, stored, "p3", body(update("job", 1, 999_999, Updates.gaussian(50, 1, random))));
        store(round, stored, "h1", body(update("job", 1, 100, Updates.gaussian(50, 1, random))));
        store(round, stored, "p4", body(update("job", 1, 100, boosted)));
        store(round, stored, "p5", body(update("job", 0 + 2, 100, Updates.gaussian(50, 1, random))));

        NormScreen.Screened screened = new NormScreen(5).screen(stored, counts);

        assertThat(screened.outliers()).extracting(NormScreen.Outlier::client).containsExactly("p4");
        assertThat(new FedAvg().aggregate(screened.passed())).containsExactly(new FedAvg().aggregate(honest));
        assertThat(counts.toString())
                .isEqualTo("unknown_round 1, duplicate 1, wrong_shape 1, example_count 1, not_finite 1,"
                        + " norm_outlier 1");
    }

    private static void store(RoundIntake round, InMemoryUpdates stored, String client, byte[] body) {
        if (round.offer(client, body, body.length) instanceof Verdict.Accepted accepted) {
            stored.add(client, accepted.update());
        }
    }

    private void assertRefused(String client, byte[] body, Refusal reason, String detail) {
        assertThat(offer(client, body)).isEqualTo(new Verdict.Refused(reason, detail));
    }

    private Verdict offer(String client, byte[] body) {
        return intake.offer(client, body, body.length);
    }

    private static ModelUpdate update(String job, int round, long examples, float[] delta) {
        return new ModelUpdate(job, round, examples, Map.of("loss", 0.25), delta);
    }

    private static byte[] body(ModelUpdate update) {
        return UpdateCodec.encode(update, UpdateEncoding.fp32());
    }
}
