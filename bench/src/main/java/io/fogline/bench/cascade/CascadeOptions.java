package io.fogline.bench.cascade;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@code fogline bench cascade} runs.
 *
 * @param launcher the {@code fogline} launcher the nodes are started with
 * @param work where trained models are kept between runs, and the nodes' repositories and logs
 * @param edgeModel the edge model's architecture, as {@code fogline train --model} takes it
 * @param bigModel the parent's model
 * @param samples test images per measurement, the same ones for every row
 * @param concurrency clients sending at once
 * @param delay the round trip the parent tier adds, as a network to the fog or cloud would
 * @param rule the edge's escalation rule the thresholds are swept for
 * @param thresholds the rule's values swept
 * @param target what the verdict asks of the cascade
 * @param report the markdown file whose {@code section} is rewritten; null for none
 * @param section the heading of that section
 * @param chart the PNG the deferral curve is drawn into
 * @param rows the CSV file each measurement is appended to as soon as it is made, so a run cut short keeps them
 */
public record CascadeOptions(
        Path launcher,
        Path work,
        Path dataDirectory,
        ModelChoice edgeModel,
        ModelChoice bigModel,
        int samples,
        int concurrency,
        Duration delay,
        Rule rule,
        List<Double> thresholds,
        Target target,
        Path report,
        String section,
        Path chart,
        Path rows) {

    /**
     * An architecture with its training, cached under {@link #key()}, or a model already made.
     *
     * @param file an ONNX model Fogline wrote, served instead of training one; null to train
     */
    public record ModelChoice(String spec, int epochs, double learningRate, long seed, Path file) {

        public ModelChoice(String spec, int epochs, double learningRate, long seed) {
            this(spec, epochs, learningRate, seed, null);
        }

        public String key() {
            return (spec + "-e" + epochs + "-lr" + learningRate + "-s" + seed).replaceAll("[^A-Za-z0-9.]+", "-");
        }
    }

    /** The edge's escalation rules a sweep can vary: their key in the routing section's {@code escalate_when}. */
    public enum Rule {
        /** Escalate when the top class probability is below the threshold. */
        MAX_PROBABILITY("max_probability_below"),
        /** Escalate when the top probability exceeds the second by less than the threshold. */
        MARGIN("margin_below");

        private final String key;

        Rule(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * What the verdict asks, beside a mean latency under 25 ms: accuracy at most {@code pointsBelowParent} under the
     * parent's alone, and at least {@code edgeShare} answered at the edge.
     */
    public record Target(double pointsBelowParent, double edgeShare) {}
}
