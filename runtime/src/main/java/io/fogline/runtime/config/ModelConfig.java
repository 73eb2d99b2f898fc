package io.fogline.runtime.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fogline.core.error.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code config.json}: the JSON form of the Triton model configuration fields that matter to an edge
 * server. Every field is optional; what the file leaves out comes from the ONNX graph or the defaults below.
 *
 * @param maxBatchSize the largest batch the first dimension may carry; 0 when the model takes no batch dimension,
 *     null to let the loader decide from the graph
 * @param dynamicBatching present to batch requests that arrive together
 * @param instanceCount how many batches of this model may run at once
 * @param intraOpThreads threads ONNX Runtime uses inside one batch; 0 for its default
 * @param labels class labels, in output index order
 * @param labelsFile a file beside config.json with one label per line, used when {@code labels} is absent
 * @param input overrides of the graph's input metadata, matched by name
 * @param output overrides of the graph's output metadata, matched by name
 * @param routing the tier policy of module routing, kept as raw JSON: the runtime serves models and leaves
 *     escalation to the layer above it, which checks the section when the model loads
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelConfig(
        Integer maxBatchSize,
        DynamicBatching dynamicBatching,
        Integer instanceCount,
        Integer intraOpThreads,
        List<String> labels,
        String labelsFile,
        List<WarmupSample> warmup,
        List<TensorOverride> input,
        List<TensorOverride> output,
        VersionPolicy versionPolicy,
        JsonNode routing) {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public static final ModelConfig EMPTY =
            new ModelConfig(null, null, null, null, null, null, null, null, null, null, null);

    /**
     * @param maxQueueDelayMicroseconds how long a request may wait for companions while another batch of the same
     *     model is running; an idle model never waits
     * @param preferredBatchSize batch sizes to stop gathering at; empty means the max batch size
     * @param maxQueueSize requests that may wait; past it requests are refused with 503; 0 for no limit
     */
    public record DynamicBatching(long maxQueueDelayMicroseconds, List<Integer> preferredBatchSize, int maxQueueSize) {
        public DynamicBatching {
            preferredBatchSize = preferredBatchSize == null ? List.of() : List.copyOf(preferredBatchSize);
        }
    }

    /** A warm-up request run at load; each input is given as data, or as zeros or random values of a shape. */
    public record WarmupSample(String name, Map<String, WarmupInput> inputs) {}

    public record WarmupInput(
            String datatype,
            List<Long> shape,
            @JsonProperty("zero_data") boolean zeroData,
            @JsonProperty("random_data") boolean randomData,
            List<Object> data) {}

    public record TensorOverride(String name, String datatype, List<Long> shape) {}

    /** Which versions of a model to serve: the latest N (the default is the latest 1), all, or named ones. */
    public record VersionPolicy(Integer latest, Boolean all, List<Long> specific) {}

    /** Reads {@code config.json} from a model directory, or {@link #EMPTY} when there is none. */
    public static ModelConfig read(Path modelDirectory) {
        Path file = modelDirectory.resolve("config.json");
        if (!Files.exists(file)) {
            return EMPTY;
        }
        try {
            return MAPPER.readValue(file.toFile(), ModelConfig.class);
        } catch (JacksonException e) {
            throw InferenceException.invalid("invalid " + file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InferenceException.internal("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static ModelConfig parse(String json) {
        try {
            return MAPPER.readValue(json, ModelConfig.class);
        } catch (JacksonException e) {
            throw InferenceException.invalid("invalid model config: " + e.getOriginalMessage());
        }
    }

    /**
     * How many batches may run at once: as config.json says, else two where the machine has two cores. One run of a
     * small batch rarely keeps more than one core busy (MiniLM on 2 cores: 190 requests/s with one instance, 310
     * with two), and a second run overlaps one batch's gathering and answering with the other's compute.
     */
    public int instanceCountOrDefault(int cores) {
        return instanceCount == null ? Math.min(2, Math.max(1, cores)) : instanceCount;
    }

    /**
     * ONNX Runtime's threads inside one batch: as config.json says (0 for ONNX Runtime's own choice), else the cores
     * shared among the instances, so that the instances together do not ask for more threads than there are cores.
     */
    public int intraOpThreadsOrDefault(int cores) {
        return intraOpThreads == null ? Math.max(1, cores / instanceCountOrDefault(cores)) : intraOpThreads;
    }

    /** The labels from {@code labels}, else from {@code labels_file}, else none. */
    public List<String> resolveLabels(Path modelDirectory) {
        if (labels != null) {
            return labels;
        }
        if (labelsFile == null) {
            return List.of();
        }
        Path file = modelDirectory.resolve(labelsFile).normalize();
        if (!file.startsWith(modelDirectory.normalize())) {
            throw InferenceException.invalid("labels_file '" + labelsFile + "' points outside the model directory");
        }
        try {
            List<String> lines = Files.readAllLines(file);
            // A blank line in the middle is a label (OCR alphabets have a space); only the trailing newline is not.
            return lines.isEmpty() || !lines.getLast().isEmpty() ? lines : lines.subList(0, lines.size() - 1);
        } catch (IOException e) {
            throw InferenceException.invalid("cannot read labels_file " + file + ": " + e.getMessage());
        }
    }
}
