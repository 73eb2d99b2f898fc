package io.fogline.routing.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the {@code max_probability_below} a model version answers at, from labelled examples that version was scored
 * on, so that the answers it keeps are at least as often right as the tier it would escalate them to.
 *
 * <p>Each example carries how likely the rival answer (the parent's) is right on it: 1 or 0 where the parent answered
 * it and ground truth came back, its measured accuracy elsewhere, or a stated target. Keeping an example locally gains
 * {@code correct - rivalAccuracy}; the threshold kept is the one within the bounds whose kept examples gain most, the
 * lowest of equals (fewer escalations cost less). Since escalating every example gains nothing, a threshold free to
 * escalate everything always keeps examples at least as accurate, in sum, as the rival on the same examples.
 */
public final class ThresholdCalibration {

    /**
     * One labelled example as the version scored it.
     *
     * @param topProbability the version's top class probability, as the router measures it
     * @param correct whether the version's top class is the label
     * @param rivalAccuracy the chance in [0, 1] that the rival tier answers it right
     */
    public record Scored(double topProbability, boolean correct, double rivalAccuracy) {

        public Scored {
            if (!(rivalAccuracy >= 0 && rivalAccuracy <= 1)) {
                throw new IllegalArgumentException("rival accuracy must be within [0, 1], got " + rivalAccuracy);
            }
        }
    }

    /** The range a calibrated threshold must stay in, set by the node's owner at start. */
    public record Bounds(double lowest, double highest) {

        public Bounds {
            if (!(lowest >= 0 && lowest <= highest && highest <= 1)) {
                throw new IllegalArgumentException(
                        "calibration bounds must satisfy 0 <= lowest <= highest <= 1, got " + lowest + ":" + highest);
            }
        }

        double clamp(double threshold) {
            return Math.max(lowest, Math.min(highest, threshold));
        }
    }

    /**
     * The threshold chosen and what it does on the examples it was chosen on.
     *
     * @param calibrated false when the bundle's threshold was kept (too few examples)
     * @param kept the examples the threshold answers locally
     * @param keptCorrect how many of those the version answers right
     * @param rivalCorrectOnKept how many of those the rival is expected to answer right
     */
    public record Outcome(
            double threshold, boolean calibrated, int examples, int kept, int keptCorrect, double rivalCorrectOnKept) {

        /** Whether the kept answers are at least as often right as the rival's on the same examples. */
        public boolean meetsRule() {
            return keptCorrect >= rivalCorrectOnKept - 1e-9;
        }

        public double escalationRate() {
            return examples == 0 ? 0 : 1.0 - (double) kept / examples;
        }

        public String describe() {
            if (!calibrated) {
                return "kept the bundle's threshold " + threshold + ": " + examples + " labelled examples, too few";
            }
            return String.format(
                    java.util.Locale.ROOT,
                    "threshold %.4f on %d labelled examples: keeps %d (%d right, the parent %.1f), escalates %.1f%%",
                    threshold,
                    examples,
                    kept,
                    keptCorrect,
                    rivalCorrectOnKept,
                    100 * escalationRate());
        }
    }

    private ThresholdCalibration() {}

    /**
     * @param bundleThreshold the threshold kept when fewer than {@code minExamples} examples are given
     */
    public static Outcome choose(List<Scored> examples, double bundleThreshold, Bounds bounds, int minExamples) {
        if (examples.size() < minExamples) {
            return new Outcome(bundleThreshold, false, examples.size(), 0, 0, 0);
        }
        List<Scored> byConfidence = new ArrayList<>(examples);
        byConfidence.sort(Comparator.comparingDouble(Scored::topProbability).reversed());
        int n = byConfidence.size();
        // Those at or above the highest threshold are kept whatever is chosen.
        int kept = 0;
        int keptCorrect = 0;
        double rivalCorrect = 0;
        while (kept < n && byConfidence.get(kept).topProbability() >= bounds.highest()) {
            keptCorrect += byConfidence.get(kept).correct() ? 1 : 0;
            rivalCorrect += byConfidence.get(kept).rivalAccuracy();
            kept++;
        }
        Outcome best = new Outcome(bounds.highest(), true, n, kept, keptCorrect, rivalCorrect);
        while (kept < n && byConfidence.get(kept).topProbability() >= bounds.lowest()) {
            double probability = byConfidence.get(kept).topProbability();
            // Every example as sure as this one goes in together: a threshold cannot split equal probabilities.
            while (kept < n && byConfidence.get(kept).topProbability() == probability) {
                keptCorrect += byConfidence.get(kept).correct() ? 1 : 0;
                rivalCorrect += byConfidence.get(kept).rivalAccuracy();
                kept++;
            }
            double next = kept < n ? byConfidence.get(kept).topProbability() : Double.NEGATIVE_INFINITY;
            if (keptCorrect - rivalCorrect >= best.keptCorrect() - best.rivalCorrectOnKept()) {
                best = new Outcome(between(next, probability, bounds), true, n, kept, keptCorrect, rivalCorrect);
            }
        }
        return best;
    }

    /**
     * A threshold that keeps {@code probability} and escalates {@code next} below it: halfway, so that the field's
     * inputs between the two examples split evenly, and never below the bounds.
     */
    private static double between(double next, double probability, Bounds bounds) {
        if (next < bounds.lowest()) {
            return bounds.lowest();
        }
        double half = (next + probability) / 2;
        return bounds.clamp(half > next ? half : probability);
    }
}
