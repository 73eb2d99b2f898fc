package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.bundle.SigningKey;
import io.fogline.bundle.TrustStore;
import io.fogline.bundle.content.Tolerance;
import io.fogline.control.ControlOptions;
import io.fogline.control.ControlPlane;
import io.fogline.control.FakeClock;
import io.fogline.control.TestStore;
import io.fogline.control.common.Json;
import io.fogline.control.monitor.Alert;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.TrainJob;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.FashionMnist;
import io.fogline.learn.model.ModelSpec;
import io.fogline.node.ota.BundlePacker;
import io.fogline.node.telemetry.Outbox;
import io.fogline.node.telemetry.ReferenceBins;
import io.fogline.node.telemetry.TelemetryRecorder;
import io.fogline.node.telemetry.TelemetryUploader;
import io.fogline.routing.Router;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.stats.InferenceObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift found for real: a softmax trained on Fashion-MNIST is published as a signed bundle whose reference statistics
 * come from 300 test images; six devices serve it (real ONNX Runtime inference, each with its own recorder and
 * outbox) and upload a minute's window at a time to a control plane over HTTP. Three see the test images as they
 * are; one sees them brighter, one rotated a quarter turn, one only trousers and bags. The drift alert must open
 * for the three shifted devices, within {@value #WINDOWS_TO_DETECT} windows, and never for the others.
 */
class DriftEndToEndTest {

    private static final String MODEL = "fashion";
    private static final int REQUESTS_PER_WINDOW = 60;
    private static final int WINDOWS = 6;
    private static final int WINDOWS_TO_DETECT = 2;
    private static final int PIXELS = 784;

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private TestStore.Created database;
    private ControlPlane control;
    private ModelManager models;

    @AfterEach
    void stop() {
        if (models != null) {
            models.close();
        }
        if (control != null) {
            control.close();
        }
        if (database != null) {
            database.close();
        }
    }

    private record Device(
            String id,
            String credential,
            UnaryOperator<float[]> shift,
            int[] classes,
            TelemetryRecorder recorder,
            Outbox outbox) {}

    @Test
    void theDriftAlertOpensForShiftedDevicesOnlyWithinTwoWindows() throws Exception {
        Dataset test = FashionMnist.load().test();
        Path bundle = trainAndPack(test);
        database = TestStore.SQLITE.create();
        control = ControlPlane.start(ControlOptions.defaults(dir.resolve("control"))
                .withDatabase(database.url())
                .withHttp("127.0.0.1", 0)
                .withTrustStore(dir.resolve("trust-store.json"))
                .withTime(clock, Duration.ZERO));
        control.publisher().publish(bundle);
        Path repository = unpackForServing(bundle);
        models = new ModelManager(repository, InferenceObserver.NONE, Router::check);
        models.loadAll();

        String token = control.fleet()
                .issueToken("cameras", Map.of(), Duration.ofHours(1), 10)
                .token();
        int[] everyClass = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<Device> devices = new ArrayList<>();
        devices.add(device("plain-1", token, UnaryOperator.identity(), everyClass, repository));
        devices.add(device("plain-2", token, UnaryOperator.identity(), everyClass, repository));
        devices.add(device("plain-3", token, UnaryOperator.identity(), everyClass, repository));
        devices.add(device("bright", token, DriftEndToEndTest::brighter, everyClass, repository));
        devices.add(device("rotated", token, DriftEndToEndTest::rotated, everyClass, repository));
        devices.add(device("trousers-and-bags", token, UnaryOperator.identity(), new int[] {1, 8}, repository));

        Map<String, Integer> detectedAt = new TreeMap<>();
        Map<String, List<Double>> psi = new LinkedHashMap<>();
        Random random = new Random(7);
        for (int window = 1; window <= WINDOWS; window++) {
            for (Device device : devices) {
                for (int i = 0; i < REQUESTS_PER_WINDOW; i++) {
                    serve(device, test, random);
                }
            }
            clock.advance(Duration.ofSeconds(60));
            for (Device device : devices) {
                device.recorder().tick(Map.of());
                poll(device);
                new TelemetryUploader(device.outbox(), (id, body) -> upload(device, body)).drain(10);
            }
            control.heartbeats().flush();
            control.monitor().evaluate();
            for (Alert alert : control.alerts().list("open")) {
                if (alert.kind().equals("drift") && alert.deviceId() != null) {
                    detectedAt.putIfAbsent(alert.deviceId(), window);
                }
            }
            control.health().health(Duration.ofMinutes(5)).devices().forEach(device -> psi.computeIfAbsent(
                            device.deviceId(), id -> new ArrayList<>())
                    .add(device.figures().driftPsi()));
        }
        System.out.println("drift: first window with an alert per device " + detectedAt);
        System.out.println("drift: PSI per device over the last 5 windows, after each window " + psi);

        assertThat(detectedAt).containsOnlyKeys("bright", "rotated", "trousers-and-bags");
        assertThat(detectedAt.values()).allMatch(window -> window <= WINDOWS_TO_DETECT);
        devices.forEach(device -> device.outbox().close());
    }

    /** Trains the softmax, and packs it with golden cases and reference statistics from 300 test images. */
    private Path trainAndPack(Dataset test) throws IOException, io.fogline.bundle.BundleException {
        TrainJob.Result trained = TrainJob.run(
                TrainJob.Options.fashionMnist(ModelSpec.parse("softmax"), 1, dir.resolve("trained")),
                io.fogline.learn.train.TrainingListener.SILENT);
        Path modelDirectory = trained.modelFile().getParent().getParent();
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.copy(trained.modelFile(), files.resolve("model.onnx"));
        Files.copy(modelDirectory.resolve("config.json"), files.resolve("config.json"));
        Files.copy(modelDirectory.resolve("labels.txt"), files.resolve("labels.txt"));
        List<InferenceRequest> golden = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            golden.add(request(image(test, i)));
        }
        SigningKey key = SigningKey.generate();
        TrustStore.of(key.trusted()).save(dir.resolve("trust-store.json"));
        Path out = dir.resolve("fashion-1.fbundle");
        BundlePacker.pack(
                files, MODEL, 1, new BundlePacker.Golden.Inputs(golden, Tolerance.DEFAULT), Optional.of(key), out);
        return out;
    }

    /** The bundle's files where a node serves them from: {@code <repository>/fashion/1/}. */
    private Path unpackForServing(Path bundle) throws IOException {
        Path repository = dir.resolve("repository");
        Path version = Files.createDirectories(repository.resolve(MODEL).resolve("1"));
        try (ZipFile zip = new ZipFile(bundle.toFile())) {
            for (String name : List.of("model.onnx", ReferenceBins.FILE_NAME)) {
                Files.write(
                        version.resolve(name),
                        zip.getInputStream(zip.getEntry(name)).readAllBytes());
            }
            for (String name : List.of("config.json", "labels.txt")) {
                Files.write(
                        repository.resolve(MODEL).resolve(name),
                        zip.getInputStream(zip.getEntry(name)).readAllBytes());
            }
        }
        return repository;
    }

    private Device device(String id, String token, UnaryOperator<float[]> shift, int[] classes, Path repository)
            throws Exception {
        HttpResponse<String> enrolled = http.send(
                HttpRequest.newBuilder(uri("/api/v1/enrol"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                Json.write(Map.of("token", token, "device_id", id, "labels", Map.of()))))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String credential =
                Json.parse(enrolled.body().getBytes()).path("credential").asText();
        Outbox outbox = Outbox.open(dir.resolve(id + ".db"), 1 << 20, 256 * 1024, 1024);
        TelemetryRecorder recorder =
                new TelemetryRecorder(Duration.ofSeconds(60), clock, new ReferenceBins(repository), outbox);
        return new Device(id, credential, shift, classes, recorder, outbox);
    }

    private void serve(Device device, Dataset test, Random random) {
        int index;
        do {
            index = random.nextInt(test.size());
        } while (!contains(device.classes(), test.labels()[index]));
        InferenceRequest request = request(device.shift().apply(image(test, index)));
        InferenceResponse response = models.infer(MODEL, null, request).join();
        device.recorder().requestSucceeded(request, PIXELS * 4L, response, 1_000_000);
    }

    private void poll(Device device) throws Exception {
        HttpResponse<String> polled = http.send(
                HttpRequest.newBuilder(uri("/api/v1/devices/" + device.id() + "/desired"))
                        .header("Authorization", "Bearer " + device.credential())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(polled.statusCode()).isEqualTo(200);
    }

    private void upload(Device device, byte[] body) throws IOException {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(uri("/api/v1/devices/" + device.id() + "/telemetry"))
                            .header("Authorization", "Bearer " + device.credential())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("telemetry: HTTP " + answer.statusCode() + " " + answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + control.port() + path);
    }

    private static boolean contains(int[] classes, int label) {
        for (int c : classes) {
            if (c == label) {
                return true;
            }
        }
        return false;
    }

    private static float[] image(Dataset data, int index) {
        float[] pixels = new float[PIXELS];
        System.arraycopy(data.features(), index * PIXELS, pixels, 0, PIXELS);
        return pixels;
    }

    private static InferenceRequest request(float[] pixels) {
        return InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, PIXELS}, pixels));
    }

    /** A brighter camera: every pixel 0.3 lighter, clipped to white. */
    private static float[] brighter(float[] pixels) {
        float[] shifted = new float[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            shifted[i] = Math.min(1f, pixels[i] + 0.3f);
        }
        return shifted;
    }

    /** A camera mounted a quarter turn off: the same pixels, rotated. */
    private static float[] rotated(float[] pixels) {
        float[] turned = new float[PIXELS];
        for (int row = 0; row < 28; row++) {
            for (int column = 0; column < 28; column++) {
                turned[column * 28 + (27 - row)] = pixels[row * 28 + column];
            }
        }
        return turned;
    }
}
