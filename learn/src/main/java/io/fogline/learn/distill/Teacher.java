package io.fogline.learn.distill;

import io.fogline.learn.data.Dataset;
import io.fogline.learn.model.Network;
import io.fogline.learn.train.Evaluation;
import java.io.IOException;

/** A model whose answers a student learns from: class probabilities for any examples. */
@FunctionalInterface
public interface Teacher {

    /** Class probabilities of every example, row-major: {@code examples.size() × classes}. */
    float[] probabilities(Dataset examples) throws IOException;

    /** A network of Fogline's own, run by the trainer's forward pass. */
    static Teacher of(Network network) {
        return examples -> Evaluation.probabilities(network, examples);
    }
}
