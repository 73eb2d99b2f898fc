package io.fogline.control.federated;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a federated job needs done to models, which the control plane cannot do itself (it knows no ONNX): the
 * composition root that starts a control plane gives it one backed by the learn module, or none, and then jobs are
 * refused.
 */
public interface FederatedModels {

    /**
     * The trainable parameters of an ONNX model, in the trainer's parameter-vector layout.
     *
     * @throws IllegalArgumentException saying why the model cannot be trained
     */
    float[] parameters(byte[] onnx);

    /** The same model with other parameters. */
    byte[] withParameters(byte[] onnx, float[] parameters);

    /** The model's accuracy on the control plane's evaluation data; empty when it has none. */
    OptionalDouble evaluate(byte[] onnx);

    /**
     * Packs and signs the job's result as a bundle: the base bundle's files (config, labels, golden inputs) with
     * {@code onnx} as its model, golden outputs and reference statistics recorded afresh.
     *
     * @param baseFiles the base bundle's files by path
     * @param keyId the key the job asks to sign with; null for the control plane's signing key
     * @return the signed {@code .fbundle}, in a temporary file the caller deletes
     */
    Path pack(Map<String, byte[]> baseFiles, byte[] onnx, String model, long version, String keyId) throws IOException;
}
