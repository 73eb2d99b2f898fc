package io.fogline.runtime.repository;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.ModelMetadata;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.core.tensor.DataType;
import io.fogline.core.tensor.Shapes;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.batching.DynamicBatcher;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.onnx.OnnxModel;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.stats.ModelStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Turns a model directory and its config into a {@link ServedModel}: sessions, metadata, batchers, warm-up. */
final class ModelLoader {

    static final String PLATFORM = "onnxruntime_onnx";
    /** Triton's auto-completed max batch size is 4; edge batches of small models pay off up to a few more. */
    static final int DEFAULT_MAX_BATCH_SIZE = 8;

    /**
     * Runs expected to take no longer than this run on the thread that submits them when the model is idle (see
     * {@link DynamicBatcher}): two thread wake-ups cost 20–50 µs on a small machine, and an event loop held this long
     * delays its other connections by no more than a few such hand-offs would.
     */
    static final long INLINE_COMPUTE_NANOS = 200_000;

    private static final System.Logger LOG = System.getLogger(ModelLoader.class.getName());

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final InferenceObserver observer;

    ModelLoader(InferenceObserver observer) {
        this.observer = observer;
    }

    ServedModel load(String name, Path directory, ModelConfig config) {
        NavigableMap<Long, Path> files = selectVersions(name, directory, config.versionPolicy());
        NavigableMap<Long, ModelVersion> versions = new TreeMap<>();
        List<String> versionNames = files.keySet().stream().map(String::valueOf).toList();
        int maxBatchSize = 0;
        try {
            for (Map.Entry<Long, Path> file : files.entrySet()) {
                long started = System.nanoTime();
                String version = String.valueOf(file.getKey());
                OnnxModel onnx = OnnxModel.load(file.getValue(), config.intraOpThreadsOrDefault(CORES));
                try {
                    ModelMetadata metadata = new ModelMetadata(
                            name,
                            versionNames,
                            PLATFORM,
                            applyOverrides(name, "input", onnx.inputs(), config.input()),
                            applyOverrides(name, "output", onnx.outputs(), config.output()));
                    maxBatchSize = maxBatchSize(name, metadata, config);
                    ModelStatistics statistics = new ModelStatistics(name, version);
                    // Warm-up runs are the loader's, not a client's: statistics and metrics count from the first
                    // request served.
                    AtomicBoolean serving = new AtomicBoolean();
                    DynamicBatcher.Settings batching = batcherSettings(config, maxBatchSize);
                    DynamicBatcher batcher = new DynamicBatcher(
                            "fogline-" + name + "-" + version, onnx, batching, (batchSize, timing) -> {
                                if (serving.get()) {
                                    statistics.batchExecuted(batchSize, timing);
                                    observer.batchExecuted(name, version, batchSize, timing);
                                }
                            });
                    ModelVersion loaded = new ModelVersion(
                            version,
                            metadata,
                            onnx,
                            batcher,
                            statistics,
                            ModelConfiguration.of(
                                    name, metadata.inputs(), metadata.outputs(), maxBatchSize, config, batching));
                    versions.put(file.getKey(), loaded);
                    warmUp(name, loaded, config);
                    serving.set(true);
                } catch (RuntimeException e) {
                    if (!versions.containsKey(file.getKey())) {
                        onnx.close();
                    }
                    throw e;
                }
                observer.modelLoaded(name, version, System.nanoTime() - started);
            }
        } catch (RuntimeException e) {
            versions.values().forEach(ModelVersion::close);
            throw e;
        }
        return new ServedModel(name, versions, maxBatchSize, config.resolveLabels(directory), config);
    }

    /** The numbered version directories holding a model.onnx that the version policy selects. */
    private static NavigableMap<Long, Path> selectVersions(
            String name, Path directory, ModelConfig.VersionPolicy policy) {
        NavigableMap<Long, Path> available = new TreeMap<>();
        try (Stream<Path> children = Files.list(directory)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                String fileName = child.getFileName().toString();
                if (fileName.matches("[0-9]{1,18}") && Files.isRegularFile(child.resolve("model.onnx"))) {
                    available.put(Long.parseLong(fileName), child.resolve("model.onnx"));
                }
            }
        } catch (IOException e) {
            throw InferenceException.notFound("model '" + name + "' cannot be read from " + directory + ": " + e);
        }
        if (available.isEmpty()) {
            throw InferenceException.invalid(
                    "model '" + name + "' has no version directory with a model.onnx in " + directory);
        }
        if (policy == null || (policy.all() == null && policy.specific() == null)) {
            int latest = policy == null || policy.latest() == null ? 1 : policy.latest();
            NavigableMap<Long, Path> selected = new TreeMap<>();
            available.descendingMap().entrySet().stream()
                    .limit(Math.max(1, latest))
                    .forEach(entry -> selected.put(entry.getKey(), entry.getValue()));
            return selected;
        }
        if (Boolean.TRUE.equals(policy.all())) {
            return available;
        }
        NavigableMap<Long, Path> selected = new TreeMap<>();
        for (long version : policy.specific()) {
            Path file = available.get(version);
            if (file == null) {
                throw InferenceException.invalid("model '" + name + "': version_policy names version " + version
                        + ", which is not among " + available.keySet());
            }
            selected.put(version, file);
        }
        return selected;
    }

    /** The graph's metadata, narrowed where config.json declares an input or output more precisely. */
    private static List<TensorMetadata> applyOverrides(
            String name, String role, List<TensorMetadata> graph, List<ModelConfig.TensorOverride> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return graph;
        }
        List<TensorMetadata> result = new ArrayList<>(graph);
        for (ModelConfig.TensorOverride override : overrides) {
            int index = -1;
            for (int i = 0; i < result.size(); i++) {
                if (result.get(i).name().equals(override.name())) {
                    index = i;
                }
            }
            if (index < 0) {
                throw InferenceException.invalid("model '" + name + "': config.json names " + role + " '"
                        + override.name() + "', which the graph does not have; its " + role + "s are "
                        + graph.stream().map(TensorMetadata::name).toList());
            }
            TensorMetadata declared = result.get(index);
            DataType datatype = override.datatype() == null
                    ? declared.datatype()
                    : DataType.parse(override.datatype(), override.name());
            long[] shape = override.shape() == null
                    ? declared.shape()
                    : override.shape().stream().mapToLong(Long::longValue).toArray();
            if (datatype != declared.datatype() || !Shapes.matches(declared.shape(), shape)) {
                throw InferenceException.invalid("model '" + name + "': config.json declares " + role + " '"
                        + override.name() + "' as " + datatype + Shapes.format(shape) + " but the graph has "
                        + declared.datatype() + Shapes.format(declared.shape()));
            }
            result.set(index, new TensorMetadata(declared.name(), datatype, shape));
        }
        return result;
    }

    /**
     * The configured max batch size, checked against the graph; when config.json is silent, the default for a graph
     * whose every input and output has a dynamic first dimension, and 0 otherwise.
     */
    private static int maxBatchSize(String name, ModelMetadata metadata, ModelConfig config) {
        String unbatchable = Stream.concat(metadata.inputs().stream(), metadata.outputs().stream())
                .filter(tensor -> tensor.shape().length == 0 || tensor.shape()[0] >= 0)
                .map(TensorMetadata::toString)
                .collect(Collectors.joining(", "));
        if (config.maxBatchSize() == null) {
            return unbatchable.isEmpty() ? DEFAULT_MAX_BATCH_SIZE : 0;
        }
        if (config.maxBatchSize() > 0 && !unbatchable.isEmpty()) {
            throw InferenceException.invalid("model '" + name + "': max_batch_size " + config.maxBatchSize()
                    + " needs a dynamic first dimension on every input and output, but " + unbatchable
                    + " has none");
        }
        return Math.max(0, config.maxBatchSize());
    }

    /** Batching is on when config.json asks for it, or when it is silent and the graph can batch. */
    private static DynamicBatcher.Settings batcherSettings(ModelConfig config, int maxBatchSize) {
        ModelConfig.DynamicBatching batching = config.dynamicBatching();
        boolean enabled = maxBatchSize > 0 && (batching != null || config.maxBatchSize() == null);
        int[] preferred = batching == null
                ? new int[0]
                : batching.preferredBatchSize().stream()
                        .mapToInt(Integer::intValue)
                        .sorted()
                        .toArray();
        return new DynamicBatcher.Settings(
                enabled ? maxBatchSize : 0,
                batching == null ? 0 : batching.maxQueueDelayMicroseconds() * 1000,
                preferred,
                batching == null ? 0 : batching.maxQueueSize(),
                Math.max(1, config.instanceCountOrDefault(CORES)),
                INLINE_COMPUTE_NANOS);
    }

    /**
     * Runs the configured warm-up requests through the batcher, so that the first client does not pay for lazy
     * initialisation. Without configured ones, a request of zeros is tried; a model that refuses zeros still loads.
     */
    private static void warmUp(String name, ModelVersion version, ModelConfig config) {
        List<TensorMetadata> inputs = version.metadata().inputs();
        Set<String> outputs =
                version.metadata().outputs().stream().map(TensorMetadata::name).collect(Collectors.toSet());
        if (config.warmup() == null || config.warmup().isEmpty()) {
            try {
                runWarmup(version, WarmupRequests.zeros(inputs), outputs);
            } catch (RuntimeException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "model ''{0}'' version {1}: warm-up with zeros failed ({2}); configure \"warmup\" in its"
                                + " config.json",
                        name,
                        version.version(),
                        e.getMessage());
            }
            return;
        }
        for (ModelConfig.WarmupSample sample : config.warmup()) {
            try {
                runWarmup(version, WarmupRequests.fromConfig(sample, inputs), outputs);
            } catch (RuntimeException e) {
                throw InferenceException.invalid("model '" + name + "' version " + version.version() + ": warm-up '"
                        + (sample.name() == null ? "warmup" : sample.name()) + "' failed: " + e.getMessage());
            }
        }
    }

    private static void runWarmup(ModelVersion version, Map<String, Tensor> inputs, Set<String> outputs) {
        int rows = inputs.values().stream()
                .findFirst()
                .filter(first -> first.rank() > 0)
                .map(first -> (int) first.dim(0))
                .orElse(1);
        try {
            version.batcher().submit(inputs, outputs, rows).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
