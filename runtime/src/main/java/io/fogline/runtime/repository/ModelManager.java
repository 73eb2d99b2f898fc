package io.fogline.runtime.repository;

import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.ModelMetadata;
import io.fogline.core.protocol.RequestValidator;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.core.tensor.Tensor;
import io.fogline.runtime.batching.DynamicBatcher;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.stats.InferenceObserver;
import io.fogline.runtime.stats.ModelStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The models of one repository directory: which are loaded, loading and swapping them, and running requests on
 * them. Laid out as {@code <repository>/<model>/<version>/model.onnx} with an optional
 * {@code <repository>/<model>/config.json}.
 */
public final class ModelManager implements AutoCloseable {

    private static final String UNLOADED = "unloaded";

    private static final System.Logger LOG = System.getLogger(ModelManager.class.getName());

    private final Path repository;
    private final ModelLoader loader;
    private final Map<String, ServedModel> served = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Set<String> loading = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> loadLocks = new ConcurrentHashMap<>();
    private final InferenceObserver observer;
    private final Consumer<ModelConfig> configCheck;
    private final List<Runnable> readinessWatchers = new CopyOnWriteArrayList<>();

    public ModelManager(Path repository, InferenceObserver observer) {
        this(repository, observer, config -> {});
    }

    /**
     * @param configCheck runs on each config before its model loads and refuses it by throwing an
     *     {@link InferenceException}: how the layers above check the config sections they own
     */
    public ModelManager(Path repository, InferenceObserver observer, Consumer<ModelConfig> configCheck) {
        this.repository = repository.toAbsolutePath().normalize();
        this.observer = observer;
        this.configCheck = configCheck;
        this.loader = new ModelLoader(observer);
    }

    public Path repository() {
        return repository;
    }

    /**
     * Runs {@code watcher} after each change that can change readiness ({@link #allReady()}, {@link #isReady}): a load
     * begins or ends, a model is unloaded. It runs on the thread that made the change and must not wait.
     *
     * @return stops the watcher
     */
    public Runnable watchReadiness(Runnable watcher) {
        readinessWatchers.add(watcher);
        return () -> readinessWatchers.remove(watcher);
    }

    private void readinessChanged() {
        readinessWatchers.forEach(Runnable::run);
    }

    /** Loads every model of the repository; a model that fails is reported in the index and skipped. */
    public void loadAll() {
        List<String> names = modelDirectories();
        // Counted as loading from the start, so that readiness cannot be claimed between two models.
        loading.addAll(names);
        readinessChanged();
        for (String name : names) {
            try {
                load(name, null);
            } catch (InferenceException e) {
                failures.put(name, e.getMessage());
                LOG.log(System.Logger.Level.ERROR, "model ''{0}'' failed to load: {1}", name, e.getMessage());
            } finally {
                if (loading.remove(name)) {
                    readinessChanged();
                }
            }
        }
    }

    /**
     * Loads a model, or reloads it: the new version is loaded and warmed up beside the old one, then takes its place
     * in one step; the old one closes when its last running request finishes.
     *
     * @param override a config to use instead of the model's config.json, or null
     */
    public void load(String name, ModelConfig override) {
        Path directory = modelDirectory(name);
        synchronized (loadLocks.computeIfAbsent(name, key -> new Object())) {
            // Under loadAll the name is counted as loading already: readiness changes only when the set does.
            if (loading.add(name)) {
                readinessChanged();
            }
            try {
                ModelConfig config = override == null ? ModelConfig.read(directory) : override;
                configCheck.accept(config);
                ServedModel model = loader.load(name, directory, config);
                failures.remove(name);
                ServedModel previous = served.put(name, model);
                if (previous != null) {
                    previous.retire();
                }
                LOG.log(
                        System.Logger.Level.INFO,
                        "model ''{0}'' loaded, versions {1}",
                        name,
                        model.versions().keySet());
            } catch (InferenceException e) {
                failures.put(name, e.getMessage());
                throw e;
            } finally {
                if (loading.remove(name)) {
                    readinessChanged();
                }
            }
        }
    }

    /**
     * Stops serving a model. Running requests finish; the call returns once its native sessions are closed, or after
     * {@code drainTimeoutSeconds} while requests still hold it.
     */
    public void unload(String name, long drainTimeoutSeconds) {
        synchronized (loadLocks.computeIfAbsent(name, key -> new Object())) {
            ServedModel model = served.remove(name);
            if (model == null) {
                throw unknownModel(name);
            }
            failures.put(name, UNLOADED);
            readinessChanged();
            try {
                model.retire().get(drainTimeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "model ''{0}'' still has running requests; it closes after them",
                        name);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw InferenceException.internal("closing model '" + name + "' failed: " + e.getCause(), e);
            }
        }
    }

    /** Whether a model of this name is served or has a directory in the repository, loaded or not. */
    public boolean knows(String name) {
        return served.containsKey(name) || modelDirectories().contains(name);
    }

    /** Every model of the repository directory with its state, as Triton's repository index lists them. */
    public List<RepositoryModel> index() {
        Set<String> names = new TreeSet<>(modelDirectories());
        names.addAll(served.keySet());
        List<RepositoryModel> models = new ArrayList<>();
        for (String name : names) {
            ServedModel model = served.get(name);
            if (loading.contains(name)) {
                models.add(new RepositoryModel(name, null, "LOADING", ""));
            }
            if (model != null) {
                for (Long version : model.versions().keySet()) {
                    models.add(new RepositoryModel(name, String.valueOf(version), "READY", ""));
                }
            } else if (!loading.contains(name)) {
                models.add(new RepositoryModel(name, null, "UNAVAILABLE", failures.getOrDefault(name, "not loaded")));
            }
        }
        return models;
    }

    /** Whether every model that was asked to load is serving. */
    public boolean allReady() {
        // A failed reload leaves the previous model serving: only failures of models that are not served count.
        return loading.isEmpty()
                && failures.entrySet().stream()
                        .allMatch(
                                failure -> failure.getValue().equals(UNLOADED) || served.containsKey(failure.getKey()));
    }

    public boolean isReady(String name, String version) {
        ServedModel model = served.get(name);
        if (model == null) {
            return false;
        }
        try {
            model.resolve(version);
            return true;
        } catch (InferenceException e) {
            return false;
        }
    }

    /**
     * Returns when the model (the newest version, or {@code version}) serves; otherwise throws what every endpoint
     * of the model answers: not found for a name or version the node does not serve, unavailable while it loads.
     */
    public void requireReady(String name, String version) {
        require(name).resolve(version);
    }

    /** The config a served model was loaded with; a reload replaces it with a new instance. */
    public ModelConfig config(String name) {
        return require(name).config();
    }

    public ModelMetadata metadata(String name, String version) {
        return require(name).resolve(version).metadata();
    }

    /** The configuration a model version serves with, as Triton's model configuration extension gives it. */
    public ModelConfiguration configuration(String name, String version) {
        return require(name).resolve(version).configuration();
    }

    /** Counts a request the response cache answered for a version, as Triton's statistics count cache hits. */
    public void cacheHit(String name, String version, long lookupNanos) {
        statisticsOf(name, version).cacheHit(lookupNanos);
    }

    /** Counts a lookup that missed and the insertion of the answer the model then computed. */
    public void cacheMiss(String name, String version, long nanos) {
        statisticsOf(name, version).cacheMiss(nanos);
    }

    private ModelStatistics statisticsOf(String name, String version) {
        ServedModel model = served.get(name);
        if (model == null) {
            return new ModelStatistics(name, version); // unloaded since: nothing left to count into
        }
        try {
            return model.resolve(version).statistics();
        } catch (InferenceException e) {
            return new ModelStatistics(name, version);
        }
    }

    public int maxBatchSize(String name) {
        return require(name).maxBatchSize();
    }

    public List<ModelStatistics.Snapshot> statistics(String name, String version) {
        List<ModelStatistics.Snapshot> snapshots = new ArrayList<>();
        if (name == null) {
            new TreeSet<>(served.keySet()).forEach(each -> snapshots.addAll(statistics(each, null)));
            return snapshots;
        }
        ServedModel model = require(name);
        if (version != null && !version.isEmpty()) {
            snapshots.add(model.resolve(version).statistics().snapshot());
        } else {
            model.versions()
                    .values()
                    .forEach(each -> snapshots.add(each.statistics().snapshot()));
        }
        return snapshots;
    }

    /** Requests waiting in each loaded model's queues, by model name. */
    public Map<String, Integer> queueDepths() {
        Map<String, Integer> depths = new LinkedHashMap<>();
        served.forEach((name, model) -> depths.put(
                name,
                model.versions().values().stream()
                        .mapToInt(version -> version.batcher().queueDepth())
                        .sum()));
        return depths;
    }

    /**
     * Runs a request on a model.
     *
     * @param version the version to run, or null for the newest one served
     * @return completes with the response, or exceptionally with an {@link InferenceException}
     */
    public CompletableFuture<InferenceResponse> infer(String name, String version, InferenceRequest request) {
        long started = System.nanoTime();
        ServedModel model = acquire(name);
        ModelVersion target = null;
        try {
            target = model.resolve(version);
            ModelMetadata metadata = target.metadata();
            int rows = RequestValidator.validate(request, metadata, model.maxBatchSize());
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (Tensor input : request.inputs()) {
                inputs.put(input.name(), input);
            }
            Set<String> outputNames = new LinkedHashSet<>();
            if (request.outputs().isEmpty()) {
                metadata.outputs().forEach(output -> outputNames.add(output.name()));
            } else {
                request.outputs().forEach(output -> outputNames.add(output.name()));
            }
            ModelVersion running = target;
            return running.batcher()
                    .submit(inputs, outputNames, rows, request.timeout())
                    .handle((completion, failure) -> {
                        model.release();
                        long elapsed = System.nanoTime() - started;
                        if (failure != null) {
                            running.statistics().requestFailed(elapsed);
                            throw failure instanceof RuntimeException runtime
                                    ? runtime
                                    : InferenceException.internal(failure.toString(), failure);
                        }
                        running.statistics()
                                .requestSucceeded(rows, elapsed, completion.queueNanos(), completion.timing());
                        observer.requestCompleted(
                                name, running.version(), completion.queueNanos(), completion.timing());
                        return respond(model, running, request, completion);
                    });
        } catch (RuntimeException e) {
            model.release();
            if (target != null) {
                target.statistics().requestFailed(System.nanoTime() - started);
            }
            throw e;
        }
    }

    private static InferenceResponse respond(
            ServedModel model, ModelVersion version, InferenceRequest request, DynamicBatcher.Completion completion) {
        List<Tensor> outputs = new ArrayList<>();
        if (request.outputs().isEmpty()) {
            for (TensorMetadata output : version.metadata().outputs()) {
                outputs.add(completion.outputs().get(output.name()));
            }
        } else {
            for (RequestedOutput requested : request.outputs()) {
                Tensor output = completion.outputs().get(requested.name());
                outputs.add(
                        requested.classification() > 0
                                ? Classification.topK(
                                        output, requested.classification(), model.maxBatchSize() > 0, model.labels())
                                : output);
            }
        }
        return new InferenceResponse(model.name(), version.version(), request.id(), Map.of(), outputs);
    }

    private ServedModel acquire(String name) {
        while (true) {
            ServedModel model = require(name);
            if (model.acquire()) {
                return model;
            }
            // A reload retired this instance between the lookup and the acquire: the map holds its successor.
            Thread.onSpinWait();
        }
    }

    private ServedModel require(String name) {
        ServedModel model = served.get(name);
        if (model == null) {
            throw unknownModel(name);
        }
        return model;
    }

    /**
     * Why a model is not served, the one answer of every endpoint that names it: unavailable while it loads, for the
     * first time, and otherwise not found, with the reason a failed load gave.
     */
    private InferenceException unknownModel(String name) {
        if (loading.contains(name)) {
            return InferenceException.unavailable("model '" + name + "' is loading", 1);
        }
        if (!modelDirectories().contains(name)) {
            return InferenceException.notFound("unknown model '" + name + "'");
        }
        String failure = failures.get(name);
        return InferenceException.notFound(
                failure == null || failure.equals(UNLOADED)
                        ? "model '" + name + "' is not loaded"
                        : "model '" + name + "' failed to load: " + failure);
    }

    private Path modelDirectory(String name) {
        Path directory = repository.resolve(name).normalize();
        if (!name.matches("[A-Za-z0-9_.\\-]+")
                || name.startsWith(".")
                || !directory.getParent().equals(repository)) {
            throw InferenceException.invalid("'" + name + "' is not a valid model name");
        }
        if (!Files.isDirectory(directory)) {
            throw InferenceException.notFound("unknown model '" + name + "': no directory " + directory);
        }
        return directory;
    }

    private List<String> modelDirectories() {
        if (!Files.isDirectory(repository)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(repository)) {
            return children.filter(Files::isDirectory)
                    .map(child -> child.getFileName().toString())
                    .filter(child -> !child.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw InferenceException.internal("cannot list the model repository " + repository + ": " + e, e);
        }
    }

    @Override
    public void close() {
        for (String name : List.copyOf(served.keySet())) {
            ServedModel model = served.remove(name);
            if (model != null) {
                model.retire()
                        .orTimeout(30, TimeUnit.SECONDS)
                        .exceptionally(failure -> null)
                        .join();
            }
        }
    }
}
