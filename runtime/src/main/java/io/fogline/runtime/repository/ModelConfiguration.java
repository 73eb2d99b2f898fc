package io.fogline.runtime.repository;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.core.tensor.DataType;
import io.fogline.runtime.batching.DynamicBatcher;
import io.fogline.runtime.config.ModelConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The configuration a model version is served with, in the shape of Triton's model configuration (the answer of its
 * model configuration extension): what config.json said, completed from the graph and the loader's defaults. Field
 * names follow Triton's protobuf fields, so that written as snake_case JSON it is what Triton's clients read.
 *
 * @param versionPolicy one of {@code {"latest": {"num_versions": n}}}, {@code {"all": {}}} or
 *     {@code {"specific": {"versions": [...]}}}
 * @param dynamicBatching null when requests of this model run one by one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelConfiguration(
        String name,
        String platform,
        String backend,
        Map<String, Object> versionPolicy,
        int maxBatchSize,
        List<Tensor> input,
        List<Tensor> output,
        List<InstanceGroup> instanceGroup,
        DynamicBatching dynamicBatching,
        String defaultModelFilename) {

    /** A tensor: dims leave out the batch dimension when the model batches, as Triton's do. */
    public record Tensor(String name, String dataType, long[] dims) {}

    public record InstanceGroup(String name, String kind, int count) {}

    public record DynamicBatching(int[] preferredBatchSize, long maxQueueDelayMicroseconds) {}

    static ModelConfiguration of(
            String name,
            List<TensorMetadata> inputs,
            List<TensorMetadata> outputs,
            int maxBatchSize,
            ModelConfig config,
            DynamicBatcher.Settings batching) {
        return new ModelConfiguration(
                name,
                ModelLoader.PLATFORM,
                "onnxruntime",
                versionPolicy(config.versionPolicy()),
                maxBatchSize,
                tensors(inputs, maxBatchSize),
                tensors(outputs, maxBatchSize),
                List.of(new InstanceGroup(name, "KIND_CPU", batching.instances())),
                batching.maxBatchSize() > 0
                        ? new DynamicBatching(batching.preferredBatchSizes(), batching.maxQueueDelayNanos() / 1000)
                        : null,
                "model.onnx");
    }

    /** Triton's name of a datatype in a model configuration: {@code TYPE_} and the protocol's name, but STRING. */
    public static String tritonType(DataType datatype) {
        return datatype == DataType.BYTES ? "TYPE_STRING" : "TYPE_" + datatype.name();
    }

    private static List<Tensor> tensors(List<TensorMetadata> tensors, int maxBatchSize) {
        return tensors.stream()
                .map(tensor -> {
                    long[] shape = tensor.shape();
                    long[] dims =
                            maxBatchSize > 0 && shape.length > 0 ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
                    return new Tensor(tensor.name(), tritonType(tensor.datatype()), dims);
                })
                .toList();
    }

    private static Map<String, Object> versionPolicy(ModelConfig.VersionPolicy policy) {
        if (policy != null && Boolean.TRUE.equals(policy.all())) {
            return Map.of("all", Map.of());
        }
        if (policy != null && policy.specific() != null) {
            return Map.of("specific", Map.of("versions", policy.specific()));
        }
        int latest = policy == null || policy.latest() == null ? 1 : Math.max(1, policy.latest());
        return Map.of("latest", Map.of("num_versions", latest));
    }
}
