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
 * @param thresholds the {@code max_probability_below} values swept
 * @param report the markdown file whose "Cascade (issue 4)" section is rewritten
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
        List<Double> thresholds,
        Path report,
        Path chart,
        Path rows) {

    /** An architecture with its training: cached under {@link #key()}. */
    public record ModelChoice(String spec, int epochs, double learningRate, long seed) {
        public String key() {
            return (spec + "-e" + epochs + "-lr" + learningRate + "-s" + seed).replaceAll("[^A-Za-z0-9.]+", "-");
        }
    }
}
