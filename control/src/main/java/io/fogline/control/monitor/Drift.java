package io.fogline.control.monitor;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.ValueHistogram;
import java.util.Arrays;
import java.util.Map;

/**
 * The largest PSI over a window's inputs, outputs and predicted classes against a bundle's reference, and where it
 * was found.
 * Only histograms binned on the reference's own edges count: anything else cannot be compared bin for bin.
 */
public record Drift(double psi, String tensor) {

    public static final Drift NONE = new Drift(0, null);

    /**
     * The fewest samples in a bundle's reference, and answers in the span judged, for a PSI that tells drift from
     * chance: with ten classes, two samples of 100 from one distribution still differ by a PSI near 0.1 by chance alone,
     * and eight reference samples (a bundle's golden cases) make any traffic look drifted.
     */
    public static final long MIN_SAMPLES = 100;

    /** Why {@code window} cannot be judged against {@code reference}, or null when it can. */
    public static String unjudgeable(References.Reference reference, ModelWindow window) {
        if (reference.samples() < MIN_SAMPLES) {
            return "the bundle's reference statistics hold " + reference.samples()
                    + " samples; drift is judged against " + MIN_SAMPLES + " or more";
        }
        long answers = Arrays.stream(window.classes()).sum();
        answers = answers > 0 ? answers : window.requestTotal();
        if (answers < MIN_SAMPLES) {
            return answers + " answers so far; drift is judged on " + MIN_SAMPLES + " or more";
        }
        return null;
    }

    public static Drift of(References.Reference reference, ModelWindow window) {
        Drift worst = NONE;
        worst = worst(worst, reference.inputs(), window.inputs(), "input ");
        worst = worst(worst, reference.outputs(), window.outputs(), "output ");
        if (reference.classes().length > 0 && reference.classes().length == window.classes().length) {
            // Classes have no values outside the reference's range: the two end bins stay empty.
            long[] live = new long[window.classes().length + 2];
            System.arraycopy(window.classes(), 0, live, 1, window.classes().length);
            double psi = Psi.of(reference.classes(), live);
            if (psi > worst.psi()) {
                worst = new Drift(psi, "predicted classes");
            }
        }
        return worst;
    }

    private static Drift worst(
            Drift worst, Map<String, References.Histogram> reference, Map<String, ValueHistogram> live, String kind) {
        for (Map.Entry<String, ValueHistogram> tensor : live.entrySet()) {
            References.Histogram expected = reference.get(tensor.getKey());
            if (expected == null
                    || !Arrays.equals(expected.edges(), tensor.getValue().edges())) {
                continue;
            }
            double psi = Psi.of(expected.counts(), tensor.getValue().counts());
            if (psi > worst.psi()) {
                worst = new Drift(psi, kind + tensor.getKey());
            }
        }
        return worst;
    }
}
