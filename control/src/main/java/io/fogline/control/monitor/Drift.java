package io.fogline.control.monitor;

import io.fogline.core.telemetry.ModelWindow;
import io.fogline.core.telemetry.ValueHistogram;
import java.util.Arrays;
import java.util.Map;

/**
 * The largest PSI over a window's inputs and outputs against a bundle's reference, and the tensor it was found on.
 * Only histograms binned on the reference's own edges count: anything else cannot be compared bin for bin.
 */
public record Drift(double psi, String tensor) {

    public static final Drift NONE = new Drift(0, null);

    public static Drift of(References.Reference reference, ModelWindow window) {
        Drift worst = NONE;
        worst = worst(worst, reference.inputs(), window.inputs(), "input ");
        return worst(worst, reference.outputs(), window.outputs(), "output ");
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
