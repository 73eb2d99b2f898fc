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
