package io.fogline.bench.loop;

import java.nio.file.Path;

/**
 * What {@code fogline bench loop} runs.
 *
 * @param data the Fashion-MNIST directory
 * @param sites edge nodes, one per site, each seeing its own input mix
 * @param requests requests each site sends before the federated job, and again after it
 * @param feedbackShare the share of answers whose client sends ground truth
 * @param escalateBelow the edge model's escalation threshold on its top class probability
 * @param rounds federated rounds, {@code localEpochs} passes over a node's examples in each, at {@code learningRate}
 * @param calibrate whether each node calibrates a new version's escalation threshold on its label store
 * @param work where models, node and control plane data go
 * @param report the markdown report whose section {@code section} this run rewrites (null for none), {@code chart} its
 *     PNG
 */
public record LoopOptions(
        Path data,
        int sites,
        int requests,
        double feedbackShare,
        double escalateBelow,
        int rounds,
        int localEpochs,
        double learningRate,
        long seed,
        boolean calibrate,
        Path work,
        Path report,
        String section,
        Path chart) {

    public LoopOptions {
        if (sites < 2) {
            throw new IllegalArgumentException("--sites must be at least 2: a federated round aggregates two or more");
        }
        if (requests < 10) {
            throw new IllegalArgumentException("--requests must be at least 10, got " + requests);
        }
        if (!(feedbackShare > 0 && feedbackShare <= 1)) {
            throw new IllegalArgumentException("--feedback-share must be above 0 and at most 1, got " + feedbackShare);
        }
        if (!(escalateBelow > 0 && escalateBelow < 1)) {
            throw new IllegalArgumentException("--escalate-below must be between 0 and 1, got " + escalateBelow);
        }
        if (rounds < 1 || localEpochs < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("--rounds, --local-epochs and --learning-rate must be positive");
        }
    }
}
