package io.fogline.learn.federated;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.core.federated.UpdateCodec;
import io.fogline.core.federated.UpdateEncoding;
import java.util.Arrays;

/**
 * Encodes a client's updates for upload and keeps what a lossy encoding dropped (the residual) to add to the next
 * update (Seide et al., 2014; Karimireddy et al., 2019): with top-k, a small coordinate that never makes the cut alone
 * still travels once it has built up, so compression delays information instead of losing it.
 */
public final class ErrorFeedback {

    private final float[] residual;

    public ErrorFeedback(int dimension) {
        this(new float[dimension]);
    }

    /** Resumes from a residual saved by {@link #residual()}, e.g. across a node's restart. */
    public ErrorFeedback(float[] residual) {
        this.residual = residual.clone();
    }

    /** The encoded body to upload: {@code update}'s delta plus the residual, encoded; the residual becomes the loss. */
    public byte[] encode(ModelUpdate update, UpdateEncoding encoding) {
        float[] delta = update.delta();
        if (delta.length != residual.length) {
            throw new IllegalArgumentException(
                    "the update has " + delta.length + " coordinates, the residual " + residual.length);
        }
        float[] compensated = new float[delta.length];
        for (int k = 0; k < delta.length; k++) {
            compensated[k] = delta[k] + residual[k];
        }
        byte[] body = UpdateCodec.encode(
                new ModelUpdate(update.job(), update.round(), update.exampleCount(), update.metrics(), compensated),
                encoding);
        if (encoding instanceof UpdateEncoding.Fp32) {
            Arrays.fill(residual, 0f);
            return body;
        }
        float[] sent = UpdateCodec.decode(body, body.length, delta.length).delta();
        for (int k = 0; k < delta.length; k++) {
            residual[k] = compensated[k] - sent[k];
        }
        return body;
    }

    public float[] residual() {
        return residual.clone();
    }
}
