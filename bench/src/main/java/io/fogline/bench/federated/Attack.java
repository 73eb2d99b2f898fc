package io.fogline.bench.federated;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.learn.data.Dataset;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the bad clients of a run do. They train like everyone else and then: {@code label-flip} trains on labels
 * mapped {@code c → classes − 1 − c}; {@code sign-flip:S} sends {@code −S} times its honest delta; {@code gaussian:S}
 * sends noise in a random direction, S times as long as its honest delta. A bench-only behaviour: no node does this.
 */
sealed interface Attack {

    record None() implements Attack {}

    record LabelFlip() implements Attack {}

    record SignFlip(double scale) implements Attack {}

    record GaussianNoise(double scale) implements Attack {}

    static Attack parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            switch (parts[0]) {
                case "none":
                    if (parts.length == 1) {
                        return new None();
                    }
                    break;
                case "label-flip":
                    if (parts.length == 1) {
                        return new LabelFlip();
                    }
                    break;
                case "sign-flip":
                    return new SignFlip(parts.length == 1 ? 1 : Double.parseDouble(parts[1]));
                case "gaussian":
                    return new GaussianNoise(parts.length == 1 ? 1 : Double.parseDouble(parts[1]));
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // Falls through to the message that shows the accepted forms.
        }
        throw new IllegalArgumentException("unknown attack '" + text
                + "': expected none, label-flip, sign-flip[:SCALE] or gaussian[:SCALE], e.g. sign-flip:5");
    }

    /** The data a bad client trains on. */
    default Dataset poison(Dataset local) {
        if (!(this instanceof LabelFlip)) {
            return local;
        }
        int[] flipped = new int[local.size()];
        for (int i = 0; i < flipped.length; i++) {
            flipped[i] = local.classCount() - 1 - local.labels()[i];
        }
        return new Dataset(local.features(), flipped, local.sampleShape(), local.classNames());
    }

    /** The update a bad client sends instead of its honest one. */
    default ModelUpdate tamper(ModelUpdate honest, SplittableRandom random) {
        float[] delta = honest.delta().clone();
        switch (this) {
            case SignFlip flip -> {
                for (int k = 0; k < delta.length; k++) {
                    delta[k] *= (float) -flip.scale();
                }
            }
            case GaussianNoise noise -> {
                double squares = 0;
                for (int k = 0; k < delta.length; k++) {
                    delta[k] = (float) random.nextGaussian();
                    squares += (double) delta[k] * delta[k];
                }
                float scale = (float) (noise.scale() * honest.norm() / Math.sqrt(squares));
                for (int k = 0; k < delta.length; k++) {
                    delta[k] *= scale;
                }
            }
            default -> {
                return honest;
            }
        }
        return new ModelUpdate(honest.job(), honest.round(), honest.exampleCount(), honest.metrics(), delta);
    }

    /** As {@link #parse} reads it. */
    default String text() {
        return switch (this) {
            case None none -> "none";
            case LabelFlip flip -> "label-flip";
            case SignFlip flip -> "sign-flip:" + flip.scale();
            case GaussianNoise noise -> "gaussian:" + noise.scale();
        };
    }

    default String label() {
        return switch (this) {
            case None none -> "none";
            case LabelFlip flip -> "label flipping";
            case SignFlip flip -> "sign flipping ×" + format(flip.scale());
            case GaussianNoise noise -> "Gaussian noise ×" + format(noise.scale());
        };
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
