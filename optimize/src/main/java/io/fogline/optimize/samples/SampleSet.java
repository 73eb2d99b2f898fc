package io.fogline.optimize.samples;

import java.util.List;

/**
 * Inputs to run a model on, for calibration, latency and quality: one {@link Sample} per run, and optionally the class
 * label each sample should be given, which makes quality mean accuracy.
 *
 * @param labels one per sample, or none
 */
public record SampleSet(List<Sample> samples, int[] labels) {

    public SampleSet {
        samples = List.copyOf(samples);
        labels = labels.clone();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a sample set needs at least one sample");
        }
        if (labels.length != 0 && labels.length != samples.size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + samples.size() + " samples");
        }
    }

    public static SampleSet unlabelled(List<Sample> samples) {
        return new SampleSet(samples, new int[0]);
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    public boolean labelled() {
        return labels.length > 0;
    }

    public int size() {
        return samples.size();
    }
}
