package io.fogline.learn.federated;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fogline.learn.export.OnnxExporter;
import io.fogline.learn.export.OnnxImporter;
import io.fogline.learn.export.UnsupportedModelException;

/**
 * A federated job's global model as it travels between control plane and nodes: the ONNX file the exporter writes,
 * so the weights a node fetches are a model it can also serve, and the architecture travels with them.
 */
public final class GlobalModel {

    private GlobalModel() {}

    /**
     * The network in an ONNX file.
     *
     * @throws UnsupportedModelException when the bytes are no ONNX model or one the trainer cannot train
     */
    public static OnnxImporter.Imported read(byte[] onnx) {
        try {
            return OnnxImporter.fromModel(ModelProto.parseFrom(onnx));
        } catch (InvalidProtocolBufferException e) {
            throw new UnsupportedModelException("not an ONNX model: " + e.getMessage());
        }
    }

    /** The model's parameters, in the network's parameter-vector layout. */
    public static float[] parameters(byte[] onnx) {
        return read(onnx).network().parameterVector();
    }

    /** The same model, graph and metadata, with {@code parameters} in place of its own. */
    public static byte[] withParameters(byte[] onnx, float[] parameters) {
        OnnxImporter.Imported imported = read(onnx);
        imported.network().loadParameterVector(parameters);
        return OnnxExporter.toModel(imported.network(), imported.info()).toByteArray();
    }
}
