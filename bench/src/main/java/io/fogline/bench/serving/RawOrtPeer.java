package io.fogline.bench.serving;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.fogline.core.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer Fogline is measured against: the same model in this process, run by plain {@link OrtSession#run} from as
 * many threads as there are clients, with the session options the node uses. Per request it does what the smallest
 * in-process application must: wrap its input buffers as tensors, run, and copy the outputs out.
 */
final class RawOrtPeer implements AutoCloseable {

    private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

    private final OrtSession session;

    /** @param intraOpThreads as the model's config.json sets it; 0 leaves ONNX Runtime's default, as the node does */
    RawOrtPeer(Path model, int intraOpThreads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            this.session = ENVIRONMENT.createSession(model.toString(), options);
        }
    }

    /** One client: its own native copies of the inputs, reused by every request it makes. */
    Exchange client(List<Tensor> inputs) {
        Map<String, NativeInput> ownInputs = new LinkedHashMap<>();
        for (Tensor input : inputs) {
            ownInputs.put(input.name(), NativeInput.copyOf(input));
        }
        return new Exchange() {
            @Override
            public void exchange() throws IOException {
                run(ownInputs);
            }

            @Override
            public void close() {}
        };
    }

    /** Runs the model once on {@code inputs}; returns each output's bytes, as the node would send them. */
    Map<String, ByteBuffer> run(List<Tensor> inputs) throws IOException {
        Map<String, NativeInput> ownInputs = new LinkedHashMap<>();
        for (Tensor input : inputs) {
            ownInputs.put(input.name(), NativeInput.copyOf(input));
        }
        return run(ownInputs);
    }

    private Map<String, ByteBuffer> run(Map<String, NativeInput> inputs) throws IOException {
        Map<String, OnnxTensor> tensors = new HashMap<>(inputs.size() * 2);
        try {
            for (Map.Entry<String, NativeInput> input : inputs.entrySet()) {
                tensors.put(input.getKey(), input.getValue().wrap());
            }
            try (OrtSession.Result result = session.run(tensors)) {
                Map<String, ByteBuffer> outputs = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> output : result) {
                    outputs.put(output.getKey(), ((OnnxTensor) output.getValue()).getByteBuffer());
                }
                return outputs;
            }
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private record NativeInput(ByteBuffer data, long[] shape, OnnxJavaType type) {

        static NativeInput copyOf(Tensor tensor) {
            ByteBuffer data = ByteBuffer.allocateDirect(tensor.byteSize()).order(ByteOrder.nativeOrder());
            data.put(tensor.data().order(ByteOrder.LITTLE_ENDIAN)).flip();
            OnnxJavaType type =
                    switch (tensor.datatype()) {
                        case FP32 -> OnnxJavaType.FLOAT;
                        case INT64 -> OnnxJavaType.INT64;
                        default -> throw new IllegalArgumentException("no benchmark model takes " + tensor.datatype());
                    };
            return new NativeInput(data, tensor.shape(), type);
        }

        OnnxTensor wrap() throws OrtException {
            return OnnxTensor.createTensor(ENVIRONMENT, data.duplicate(), shape, type);
        }
    }
}
