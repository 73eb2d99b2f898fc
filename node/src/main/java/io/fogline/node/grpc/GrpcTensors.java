package io.fogline.node.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.grpc.proto.InferParameter;
import io.fogline.node.grpc.proto.InferTensorContents;
import io.fogline.node.grpc.proto.ModelInferRequest;
import io.fogline.node.grpc.proto.ModelInferResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol's gRPC messages to and from the node's requests and answers. Raw contents share their
 * bytes with the tensors, in the binary extension's layout; typed contents are checked against the shape as the
 * JSON codec checks {@code data}.
 */
final class GrpcTensors {

    private GrpcTensors() {}

    static InferenceRequest request(ModelInferRequest request) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw InferenceException.invalid("raw_input_contents has " + raw + " entries for "
                    + request.getInputsCount() + " inputs; send one per input or none");
        }
        List<Tensor> inputs = new ArrayList<>(request.getInputsCount());
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            inputs.add(input(input, raw > 0 ? request.getRawInputContents(i) : null));
        }
        List<RequestedOutput> outputs = new ArrayList<>(request.getOutputsCount());
        for (ModelInferRequest.InferRequestedOutputTensor output : request.getOutputsList()) {
            Map<String, Object> parameters = parameters(output.getParametersMap());
            Object binary = parameters.get("binary_data");
            Object classification = parameters.getOrDefault("classification", 0L);
            if (!(classification instanceof Long count) || count < 0 || count > Integer.MAX_VALUE) {
                throw InferenceException.invalid(
                        "output '" + output.getName() + "': classification must be a non-negative integer");
            }
            outputs.add(new RequestedOutput(
                    output.getName(), binary instanceof Boolean flag ? flag : null, (int) (long) count));
        }
        return new InferenceRequest(
                request.getId().isEmpty() ? null : request.getId(),
                parameters(request.getParametersMap()),
                inputs,
                outputs);
    }

    private static Tensor input(ModelInferRequest.InferInputTensor input, ByteString raw) {
        String name = input.getName();
        DataType type = DataType.parse(input.getDatatype(), name);
        long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
        if (raw != null) {
            if (input.hasContents()) {
                throw InferenceException.invalid("input '" + name + "' has both contents and raw_input_contents");
            }
            return InferenceCodec.rawTensor("input", name, type, shape, raw.asReadOnlyByteBuffer());
        }
        if (!input.hasContents()) {
            throw InferenceException.invalid("input '" + name + "' has neither contents nor raw_input_contents");
        }
        long count = InferenceCodec.elementCount("input", name, shape);
        return new Tensor(name, type, shape, typed(name, type, shape, count, input.getContents()));
    }

    /** The elements of typed contents as a little-endian buffer of the datatype. */
    private static ByteBuffer typed(
            String name, DataType type, long[] shape, long count, InferTensorContents contents) {
        int given =
                switch (type) {
                    case BOOL -> contents.getBoolContentsCount();
                    case INT8, INT16, INT32 -> contents.getIntContentsCount();
                    case INT64 -> contents.getInt64ContentsCount();
                    case UINT8, UINT16, UINT32 -> contents.getUintContentsCount();
                    case UINT64 -> contents.getUint64ContentsCount();
                    case FP32 -> contents.getFp32ContentsCount();
                    case FP64 -> contents.getFp64ContentsCount();
                    case BYTES -> contents.getBytesContentsCount();
                    case FP16, BF16 ->
                        throw InferenceException.invalid(
                                "input '" + name + "': " + type + " has no typed contents; send raw_input_contents");
                };
        if (given != count) {
            throw InferenceException.invalid("input '" + name + "': shape " + Shapes.format(shape) + " needs " + count
                    + " elements, the contents have " + given);
        }
        if (type == DataType.BYTES) {
            long bytes = 0;
            for (ByteString element : contents.getBytesContentsList()) {
                bytes += 4L + element.size();
            }
            ByteBuffer buffer = Tensor.allocate(bytes);
            for (ByteString element : contents.getBytesContentsList()) {
                buffer.putInt(element.size());
                element.copyTo(buffer);
            }
            return buffer.flip();
        }
        ByteBuffer buffer = Tensor.allocate(count * type.byteSize());
        for (int i = 0; i < given; i++) {
            switch (type) {
                case BOOL -> buffer.put((byte) (contents.getBoolContents(i) ? 1 : 0));
                case INT8 -> buffer.put((byte) contents.getIntContents(i));
                case INT16 -> buffer.putShort((short) contents.getIntContents(i));
                case INT32 -> buffer.putInt(contents.getIntContents(i));
                case INT64 -> buffer.putLong(contents.getInt64Contents(i));
                case UINT8 -> buffer.put((byte) contents.getUintContents(i));
                case UINT16 -> buffer.putShort((short) contents.getUintContents(i));
                case UINT32 -> buffer.putInt(contents.getUintContents(i));
                case UINT64 -> buffer.putLong(contents.getUint64Contents(i));
                case FP32 -> buffer.putFloat(contents.getFp32Contents(i));
                case FP64 -> buffer.putDouble(contents.getFp64Contents(i));
                default -> throw new IllegalStateException(type + " is handled above");
            }
        }
        return buffer.flip();
    }

    /**
     * The answer with each output's bytes as raw contents, as Triton answers, except outputs asked for with
     * {@code binary_data: false}, which come as typed contents.
     */
    static ModelInferResponse response(InferenceResponse response, InferenceRequest request) {
        ModelInferResponse.Builder answer = ModelInferResponse.newBuilder()
                .setModelName(response.modelName())
                .setModelVersion(response.modelVersion());
        if (response.id() != null) {
            answer.setId(response.id());
        }
        response.parameters().forEach((key, value) -> answer.putParameters(key, parameter(value)));
        List<String> typed = new ArrayList<>();
        for (RequestedOutput output : request.outputs()) {
            if (Boolean.FALSE.equals(output.binaryData())) {
                typed.add(output.name());
            }
        }
        boolean anyRaw = false;
        List<ByteString> raw = new ArrayList<>(response.outputs().size());
        for (Tensor output : response.outputs()) {
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(output.name())
                    .setDatatype(output.datatype().name());
            for (long dim : output.shape()) {
                tensor.addShape(dim);
            }
            if (typed.contains(output.name())
                    && output.datatype() != DataType.FP16
                    && output.datatype() != DataType.BF16) {
                tensor.setContents(contents(output));
                raw.add(ByteString.EMPTY);
            } else {
                // The tensor's bytes are never written again once answered: the message can share them.
                raw.add(UnsafeByteOperations.unsafeWrap(output.data()));
                anyRaw = true;
            }
            answer.addOutputs(tensor);
        }
        if (anyRaw) {
            answer.addAllRawOutputContents(raw);
        }
        return answer.build();
    }

    private static InferTensorContents contents(Tensor tensor) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        DataType type = tensor.datatype();
        if (type == DataType.BYTES) {
            tensor.toByteElements().forEach(element -> contents.addBytesContents(ByteString.copyFrom(element)));
            return contents.build();
        }
        ByteBuffer data = tensor.data();
        int size = type.byteSize();
        for (int at = 0; at + size <= data.limit(); at += size) {
            switch (type) {
                case BOOL -> contents.addBoolContents(data.get(at) != 0);
                case INT8 -> contents.addIntContents(data.get(at));
                case INT16 -> contents.addIntContents(data.getShort(at));
                case INT32 -> contents.addIntContents(data.getInt(at));
                case INT64 -> contents.addInt64Contents(data.getLong(at));
                case UINT8 -> contents.addUintContents(Byte.toUnsignedInt(data.get(at)));
                case UINT16 -> contents.addUintContents(Short.toUnsignedInt(data.getShort(at)));
                case UINT32 -> contents.addUintContents(data.getInt(at));
                case UINT64 -> contents.addUint64Contents(data.getLong(at));
                case FP32 -> contents.addFp32Contents(data.getFloat(at));
                case FP64 -> contents.addFp64Contents(data.getDouble(at));
                default -> throw new IllegalStateException(type + " goes as raw contents");
            }
        }
        return contents.build();
    }

    static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
        if (parameters.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> values = new HashMap<>();
        parameters.forEach((key, parameter) -> {
            Object value =
                    switch (parameter.getParameterChoiceCase()) {
                        case BOOL_PARAM -> parameter.getBoolParam();
                        case INT64_PARAM -> parameter.getInt64Param();
                        case STRING_PARAM -> parameter.getStringParam();
                        case DOUBLE_PARAM -> parameter.getDoubleParam();
                        case UINT64_PARAM -> parameter.getUint64Param();
                        case PARAMETERCHOICE_NOT_SET -> null;
                    };
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }

    static InferParameter parameter(Object value) {
        InferParameter.Builder parameter = InferParameter.newBuilder();
        switch (value) {
            case Boolean flag -> parameter.setBoolParam(flag);
            case Long number -> parameter.setInt64Param(number);
            case Integer number -> parameter.setInt64Param(number);
            case Double number -> parameter.setDoubleParam(number);
            case Float number -> parameter.setDoubleParam(number);
            default -> parameter.setStringParam(String.valueOf(value));
        }
        return parameter.build();
    }
}
