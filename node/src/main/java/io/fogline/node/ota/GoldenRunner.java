package io.fogline.node.ota;

import io.fogline.bundle.content.GoldenCase;
import io.fogline.bundle.content.GoldenSet;
import io.fogline.bundle.content.Tolerance;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.routing.score.ConfidenceScorer;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs golden inputs through a loaded model: to record what a bundle expects, or to check a slot against it. */
public final class GoldenRunner {

    /**
     * What a golden run showed: whether every case passed (else the first failure), how fast it ran, and the share of
     * its answers that the model's routing rules would send to a parent tier (0 without rules: the node never
     * escalates; null when no answer held the outputs the rules read).
     */
    public record Outcome(boolean passed, String failure, double p95Millis, double errorRate, Double escalationRate) {}

    private static final long CASE_TIMEOUT_SECONDS = 60;

    private GoldenRunner() {}

    /** Runs {@code requests} and keeps the responses as the expected outputs. */
    public static GoldenSet record(
            ModelManager models, String model, String version, List<InferenceRequest> requests, Tolerance tolerance)
            throws Exception {
        List<GoldenCase> cases = new ArrayList<>();
        for (InferenceRequest request : requests) {
            cases.add(new GoldenCase(request, infer(models, model, version, request)));
        }
        return new GoldenSet(tolerance, cases);
    }

    /** Runs every case; a case that errs or strays outside the tolerance fails the run. */
    public static Outcome check(ModelManager models, String model, String version, GoldenSet golden) {
        long[] nanos = new long[golden.cases().size()];
        String failure = null;
        int errors = 0;
        Escalations escalations = Escalations.of(models, model, version);
        for (int i = 0; i < golden.cases().size(); i++) {
            GoldenCase goldenCase = golden.cases().get(i);
            long started = System.nanoTime();
            try {
                InferenceResponse response = infer(models, model, version, goldenCase.request());
                nanos[i] = System.nanoTime() - started;
                escalations.judge(response);
                Optional<String> mismatch = goldenCase.mismatch(response, golden.tolerance());
                if (mismatch.isPresent() && failure == null) {
                    failure = "case " + i + ": " + mismatch.get();
                }
            } catch (Exception e) {
                nanos[i] = System.nanoTime() - started;
                errors++;
                if (failure == null) {
                    failure = "case " + i + " failed to run: " + e.getMessage();
                }
            }
        }
        if (golden.cases().isEmpty()) {
            failure = "golden.json has no cases";
        }
        double errorRate =
                golden.cases().isEmpty() ? 0 : (double) errors / golden.cases().size();
        return new Outcome(failure == null, failure, p95Millis(nanos), errorRate, escalations.rate());
    }

    /** Judges answers by the model's routing rules, as the router does before it escalates. */
    private static final class Escalations {
        private final ConfidenceScorer scorer;
        private final String classesOutput;
        private final String scoreOutput;
        private int judged;
        private int escalated;

        private Escalations(ConfidenceScorer scorer, String classesOutput, String scoreOutput) {
            this.scorer = scorer;
            this.classesOutput = classesOutput;
            this.scoreOutput = scoreOutput;
        }

        static Escalations of(ModelManager models, String model, String version) {
            ModelConfig config = models.config(model);
            if (config.routing() == null) {
                return new Escalations(null, null, null);
            }
            RoutingPolicy policy = RoutingPolicy.parse(config.routing());
            String classes = !policy.rules().readsProbabilities()
                    ? null
                    : policy.output() != null
                            ? policy.output()
                            : models.metadata(model, version)
                                    .outputs()
                                    .getFirst()
                                    .name();
            return new Escalations(
                    new ConfidenceScorer(policy.rules(), policy.logits()),
                    classes,
                    policy.rules().scoreOutput());
        }

        void judge(InferenceResponse response) {
            if (scorer == null) {
                return;
            }
            Tensor classes = output(response, classesOutput);
            Tensor score = output(response, scoreOutput);
            if ((classesOutput != null && classes == null) || (scoreOutput != null && score == null)) {
                return;
            }
            judged++;
            if (scorer.judge(classes, score).escalate()) {
                escalated++;
            }
        }

        Double rate() {
            if (scorer == null) {
                return 0.0;
            }
            return judged == 0 ? null : (double) escalated / judged;
        }

        private static Tensor output(InferenceResponse response, String name) {
            return name == null
                    ? null
                    : response.outputs().stream()
                            .filter(output -> output.name().equals(name))
                            .findFirst()
                            .orElse(null);
        }
    }

    private static InferenceResponse infer(ModelManager models, String model, String version, InferenceRequest request)
            throws Exception {
        try {
            return models.infer(model, version, request).get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer in " + CASE_TIMEOUT_SECONDS + " s");
        }
    }

    private static double p95Millis(long[] nanos) {
        if (nanos.length == 0) {
            return 0;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(0.95 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
