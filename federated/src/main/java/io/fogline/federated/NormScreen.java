package io.fogline.federated;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses, at aggregation, the updates whose norm is more than {@code multiple} times the round's median: no honest
 * client of a round trains an update many times longer than its peers, while a boosted attack must be long to matter.
 * The median is the round's own, so it needs no history and follows the model as updates shrink over training.
 *
 * @param multiple how far above the median a norm may be, more than 1
 */
public record NormScreen(double multiple) {

    public NormScreen {
        if (!(multiple > 1)) {
            throw new IllegalArgumentException("the norm screen's multiple must exceed 1, not " + multiple);
        }
    }

    /** One update left out, with its norm and the round's median. */
    public record Outlier(String client, double norm, double median) {}

    /** The updates that pass, and those that do not. */
    public record Screened(UpdateSet passed, List<Outlier> outliers) {}

    public Screened screen(UpdateSet updates, RefusalCounts refusals) {
        if (updates.size() == 0) {
            return new Screened(updates, List.of());
        }
        double[] norms = CoordinateChunks.norms(updates);
        double median = NormBound.median(norms);
        List<Integer> passed = new ArrayList<>();
        List<Outlier> outliers = new ArrayList<>();
        for (int i = 0; i < norms.length; i++) {
            if (norms[i] > multiple * median) {
                outliers.add(new Outlier(updates.client(i), norms[i], median));
                refusals.add(Refusal.NORM_OUTLIER);
            } else {
                passed.add(i);
            }
        }
        if (outliers.isEmpty()) {
            return new Screened(updates, outliers);
        }
        return new Screened(
                updates.subset(passed.stream().mapToInt(Integer::intValue).toArray()), outliers);
    }

    @Override
    public String toString() {
        return "norm-screen:" + multiple;
    }
}
