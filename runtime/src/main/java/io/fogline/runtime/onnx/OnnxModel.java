package io.fogline.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Tensor;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One ONNX Runtime session: the model's graph metadata and a thread-safe {@link #run}. */
public final class OnnxModel implements AutoCloseable {

    private static final OrtEnvironment ENVIRONMENT;

    static {
        NativeLibraries.install();
        ENVIRONMENT = OrtEnvironment.getEnvironment();
    }

    private final OrtSession session;
    private final List<TensorMetadata> inputs;
    private final List<TensorMetadata> outputs;

    private OnnxModel(OrtSession session) throws OrtException {
        this.session = session;
        this.inputs = describe(session.getInputInfo(), "input");
        this.outputs = describe(session.getOutputInfo(), "output");
    }

    /**
     * Opens a model file.
     *
     * @param intraOpThreads threads for one run; 0 for ONNX Runtime's default of one per core
     */
    public static OnnxModel load(Path file, int intraOpThreads) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            // Spinning threads would take the cores the HTTP event loops need between requests.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = ENVIRONMENT.createSession(file.toString(), options);
            try {
                return new OnnxModel(session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw InferenceException.invalid("cannot load " + file + ": " + e.getMessage());
        }
    }

    public List<TensorMetadata> inputs() {
        return inputs;
    }

    public List<TensorMetadata> outputs() {
        return outputs;
    }

    /** Time spent in each phase of one run, in nanoseconds, in the order Triton reports them. */
    public record Timing(long inputNanos, long inferNanos, long outputNanos) {}

    /** The outputs of one run and how long its phases took. */
    public record Result(Map<String, Tensor> outputs, Timing timing) {}

    /**
     * Runs the model.
     *
     * @param inputs every input of the model, by name, in the tensor layout of {@link Tensor}
     * @param outputNames the outputs to compute
     * @param arena reusable native buffers for the inputs, owned by the calling thread
     */
    public Result run(Map<String, Tensor> inputs, Set<String> outputNames, InputArena arena) {
        long start = System.nanoTime();
        Map<String, OnnxTensor> ortInputs = new HashMap<>(inputs.size() * 2);
        try {
            for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
                ortInputs.put(input.getKey(), toOrt(input.getValue(), arena));
            }
            long inputsReady = System.nanoTime();
            try (OrtSession.Result result = session.run(ortInputs, outputNames)) {
                long inferred = System.nanoTime();
                Map<String, Tensor> outputs = new LinkedHashMap<>(result.size() * 2);
                for (Map.Entry<String, OnnxValue> output : result) {
                    outputs.put(output.getKey(), fromOrt(output.getKey(), output.getValue()));
                }
                long end = System.nanoTime();
                return new Result(outputs, new Timing(inputsReady - start, inferred - inputsReady, end - inferred));
            }
        } catch (OrtException e) {
            throw InferenceException.invalid("ONNX Runtime refused the request: " + e.getMessage());
        } finally {
            ortInputs.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor toOrt(Tensor tensor, InputArena arena) throws OrtException {
        if (tensor.datatype() == DataType.BYTES) {
            List<byte[]> elements = tensor.toByteElements();
            String[] strings = new String[elements.size()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = new String(elements.get(i), StandardCharsets.UTF_8);
            }
            return OnnxTensor.createTensor(ENVIRONMENT, strings, tensor.shape());
        }
        ByteBuffer data = tensor.data();
        // A batch is assembled in native memory already; only a lone request's heap buffer needs the copy.
        ByteBuffer nativeData =
                data.isDirect() ? data.order(ByteOrder.nativeOrder()) : arena.copyOf(tensor.name(), data);
        return OnnxTensor.createTensor(
                ENVIRONMENT, nativeData, tensor.shape(), javaType(tensor.datatype(), tensor.name()));
    }

    private static Tensor fromOrt(String name, OnnxValue value) throws OrtException {
        if (!(value instanceof OnnxTensor tensor)) {
            throw InferenceException.internal("output '" + name + "' is a " + value.getType() + ", not a tensor", null);
        }
        TensorInfo info = tensor.getInfo();
        DataType datatype = dataType(info, name, "output");
        if (datatype == DataType.BYTES) {
            List<byte[]> elements = new ArrayList<>();
            flattenStrings(tensor.getValue(), elements);
            return Tensor.ofBytes(name, info.getShape(), elements);
        }
        ByteBuffer data = tensor.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(name, datatype, info.getShape(), data);
    }

    private static void flattenStrings(Object value, List<byte[]> into) {
        if (value instanceof String text) {
            into.add(text.getBytes(StandardCharsets.UTF_8));
        } else {
            for (int i = 0, length = Array.getLength(value); i < length; i++) {
                flattenStrings(Array.get(value, i), into);
            }
        }
    }

    private static List<TensorMetadata> describe(Map<String, NodeInfo> nodes, String role) {
        List<TensorMetadata> tensors = new ArrayList<>(nodes.size());
        for (NodeInfo node : nodes.values()) {
            if (!(node.getInfo() instanceof TensorInfo info)) {
                throw InferenceException.invalid(role + " '" + node.getName() + "' is a " + node.getInfo()
                        + "; only tensor inputs and outputs can be served");
            }
            tensors.add(new TensorMetadata(node.getName(), dataType(info, node.getName(), role), info.getShape()));
        }
        return List.copyOf(tensors);
    }

    private static DataType dataType(TensorInfo info, String name, String role) {
        return switch (info.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
            default ->
                throw InferenceException.invalid(role + " '" + name + "' has element type " + info.onnxType
                        + ", which ONNX Runtime's Java API cannot exchange");
        };
    }

    private static OnnxJavaType javaType(DataType datatype, String name) {
        return switch (datatype) {
            case BOOL -> OnnxJavaType.BOOL;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT8 -> OnnxJavaType.INT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case FP16 -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case FP32 -> OnnxJavaType.FLOAT;
            case FP64 -> OnnxJavaType.DOUBLE;
            case UINT16, UINT32, UINT64, BYTES ->
                throw InferenceException.invalid(
                        "input '" + name + "': datatype " + datatype + " cannot be passed to ONNX Runtime");
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw InferenceException.internal("closing an ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
