package io.fogline.runtime.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.config.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Builds the inputs of warm-up requests from a model's config, or zeros of its declared shapes when it has none. */
final class WarmupRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WarmupRequests() {}

    /** Zeros for every input, with each dynamic dimension set to 1. */
    static Map<String, Tensor> zeros(List<TensorMetadata> inputs) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (TensorMetadata input : inputs) {
            long[] shape = input.shape();
            for (int d = 0; d < shape.length; d++) {
                shape[d] = shape[d] < 0 ? 1 : shape[d];
            }
            tensors.put(input.name(), filled(input.name(), input.datatype(), shape, null));
        }
        return tensors;
    }

    static Map<String, Tensor> fromConfig(ModelConfig.WarmupSample sample, List<TensorMetadata> inputs) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        String sampleName = sample.name() == null ? "warmup" : sample.name();
        for (TensorMetadata input : inputs) {
            ModelConfig.WarmupInput given =
                    sample.inputs() == null ? null : sample.inputs().get(input.name());
            if (given == null) {
                throw InferenceException.invalid(
                        "warm-up '" + sampleName + "' gives no value for input '" + input.name() + "'");
            }
            DataType datatype =
                    given.datatype() == null ? input.datatype() : DataType.parse(given.datatype(), input.name());
            long[] shape = given.shape() == null
                    ? input.shape()
                    : given.shape().stream().mapToLong(Long::longValue).toArray();
            if (Shapes.elementCount(shape) < 0) {
                throw InferenceException.invalid("warm-up '" + sampleName + "' needs a concrete shape for input '"
                        + input.name() + "', the model declares " + Shapes.format(input.shape()));
            }
            Tensor tensor;
            if (given.data() != null) {
                tensor = decodeData(input.name(), datatype, shape, given.data());
            } else {
                tensor = filled(input.name(), datatype, shape, given.randomData() ? new SplittableRandom(42) : null);
            }
            tensors.put(input.name(), tensor);
        }
        return tensors;
    }

    /** Decodes literal data through the request codec, so that warm-up values obey the same rules as requests. */
    private static Tensor decodeData(String name, DataType datatype, long[] shape, List<Object> data) {
        Map<String, Object> input = Map.of("name", name, "datatype", datatype.name(), "shape", shape, "data", data);
        try {
            byte[] body = JSON.writeValueAsBytes(Map.of("inputs", List.of(input)));
            return InferenceCodec.decodeRequest(body, body.length, -1).inputs().getFirst();
        } catch (JsonProcessingException e) {
            throw InferenceException.invalid(
                    "warm-up data for input '" + name + "' cannot be written: " + e.getMessage());
        }
    }

    /** Zeros, or random values when {@code random} is given: uniform in [0, 1) for floats, small integers otherwise. */
    private static Tensor filled(String name, DataType datatype, long[] shape, SplittableRandom random) {
        int count = (int) Shapes.elementCount(shape);
        if (datatype == DataType.BYTES) {
            List<byte[]> elements = new ArrayList<>(Collections.nCopies(count, new byte[0]));
            if (random != null) {
                elements.replaceAll(
                        empty -> Integer.toString(random.nextInt(1000)).getBytes(StandardCharsets.UTF_8));
            }
            return Tensor.ofBytes(name, shape, elements);
        }
        ByteBuffer data = Tensor.allocate((long) count * datatype.byteSize());
        if (random != null) {
            for (int i = 0; i < count; i++) {
                switch (datatype) {
                    case FP32 -> data.putFloat(i * 4, (float) random.nextDouble());
                    case FP64 -> data.putDouble(i * 8, random.nextDouble());
                    case FP16 -> data.putShort(i * 2, Float.floatToFloat16((float) random.nextDouble()));
                    case BOOL -> data.put(i, (byte) random.nextInt(2));
                    default -> data.put(i * datatype.byteSize(), (byte) random.nextInt(10));
                }
            }
        }
        return new Tensor(name, datatype, shape, data);
    }
}
