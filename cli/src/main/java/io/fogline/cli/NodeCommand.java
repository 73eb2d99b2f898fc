package io.fogline.cli;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.labels.LabelStore;
import io.fogline.node.openai.OpenAiSettings;
import io.fogline.node.ota.CalibrationOptions;
import io.fogline.node.ota.OtaOptions;
import io.fogline.node.telemetry.TelemetryOptions;
import io.fogline.routing.policy.ThresholdCalibration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fogline node}: serves a model repository over the Open Inference Protocol. Flags follow Triton's names. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Serve the models of a repository over HTTP.")
final class NodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    NodeProtectionFlags protection;

    @Option(
            names = "--model-repository",
            description = "Directory laid out as <model>/<version>/model.onnx with an optional <model>/config.json;"
                    + " <data-dir>/models when absent and --data-dir is given.")
    Path modelRepository;

    @Option(
            names = "--control",
            description = "Control plane URL: the node enrols, polls its desired state and updates its models.")
    URI control;

    static final String TOKEN_VARIABLE = "FOGLINE_ENROLMENT_TOKEN";

    @Option(
            names = "--enrolment-token",
            description = "Token that enrols the node with the control plane once. Every local user can read a"
                    + " command line: prefer --enrolment-token-file or $" + TOKEN_VARIABLE + ".")
    String enrolmentToken;

    @Option(
            names = "--control-ca",
            description = "PEM CA certificates (or the control plane's own certificate, to pin it) its HTTPS"
                    + " certificate must chain to; the JDK's CAs without.")
    Path controlAuthority;

    @Option(
            names = {"--enrolment-token-file", "--enrol-token-file"},
            description = "File holding the enrolment token (only needed until the node has enrolled).")
    Path enrolmentTokenFile;

    @Option(names = "--device-id", description = "This node's id in the fleet.")
    String deviceId;

    @Option(names = "--label", description = "A label the node enrols with, e.g. --label site=berlin (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(
            names = "--data-dir",
            description = "Where the node keeps its update state (ota.db), downloaded blobs, bundle manifests and"
                    + " the answers kept for ground truth (labels.db).")
    Path dataDir;

    @Option(
            names = "--trusted-keys",
            description = "Trust store file of the keys bundles must be signed with; re-read before every update.")
    Path trustedKeys;

    @Option(
            names = "--training-data",
            description = "Take part in federated rounds, training on the labelled examples in this directory (the"
                    + " layout `fogline train` reads: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz])."
                    + " Only the model's change leaves the node, never an example.")
    Path trainingData;

    @Option(
            names = "--http-port",
            defaultValue = "8000",
            description = "Port of the HTTP API (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--grpc-port",
            defaultValue = "8001",
            description = "Port of the gRPC API (KServe v2 inference.GRPCInferenceService and grpc.health.v1), on"
                    + " --http-address (default ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--allow-grpc",
            defaultValue = "true",
            arity = "1",
            description = "Serve the gRPC API (default ${DEFAULT-VALUE}).")
    boolean allowGrpc;

    @Option(
            names = "--http-address",
            defaultValue = "0.0.0.0",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String httpAddress;

    @Option(
            names = "--max-request-bytes",
            defaultValue = "" + NodeOptions.DEFAULT_MAX_REQUEST_BYTES,
            description = "Larger request bodies are refused with 413 (default ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(
            names = "--poll-spin-micros",
            defaultValue = "" + NodeOptions.DEFAULT_POLL_SPIN_MICROS,
            description = "How long an event loop keeps polling its sockets after its last work before it sleeps, in"
                    + " microseconds: a client's next request then finds it awake instead of waking a halted core"
                    + " (dearest on virtual machines), for at most this much CPU time per idle gap; 0 sleeps at once"
                    + " (default ${DEFAULT-VALUE}).")
    long pollSpinMicros;

    @Option(
            names = "--openai-config",
            description = "JSON file with the chat upstreams, redaction and caches of the OpenAI-compatible"
                    + " endpoints (see README); without it /v1/embeddings serves and chat has no upstream.")
    Path openAiConfig;

    @Option(
            names = "--otlp-endpoint",
            description = "Push the node's metrics over OTLP/HTTP to this URL (e.g. http://collector:4318/v1/metrics)"
                    + " every 30 s; off by default.")
    URI otlpEndpoint;

    @Option(
            names = "--telemetry-window",
            defaultValue = "60",
            description = "Seconds per telemetry window, with --control (default ${DEFAULT-VALUE}).")
    long telemetryWindowSeconds;

    @Option(
            names = "--telemetry-max-bytes",
            defaultValue = "16777216",
            description = "Cap of the telemetry outbox kept while the control plane is out of reach; older windows"
                    + " are merged, then lose their drift detail, then go (default ${DEFAULT-VALUE}).")
    long telemetryMaxBytes;

    @Option(
            names = "--host-root",
            defaultValue = "/",
            description = "Where the host's /proc and /sys are, which device health (CPU, memory, temperatures,"
                    + " throttling) is read from: a node in a container given the host's mounted elsewhere (default"
                    + " ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Option(
            names = "--labels-max-examples",
            defaultValue = "10000",
            description = "With --data-dir: answers and labelled examples kept for ground truth and training"
                    + " (default ${DEFAULT-VALUE}); past it teacher-labelled ones go first, then the oldest.")
    int labelsMaxExamples;

    @Option(
            names = "--feedback-retention",
            defaultValue = "86400",
            description = "With --data-dir: seconds after an answer that ground truth for it is taken (default"
                    + " ${DEFAULT-VALUE}).")
    long feedbackRetentionSeconds;

    @Option(
            names = "--calibrate-escalation",
            description = "With --control: before a new version serves, choose its max_probability_below on the ground"
                    + " truth in the label store, so that the answers it keeps are right at least as often as the"
                    + " parent's on the same inputs (or --calibration-target).")
    boolean calibrateEscalation;

    @Option(
            names = "--calibration-bounds",
            defaultValue = "0.5:0.99",
            description = "With --calibrate-escalation: LOWEST:HIGHEST a calibrated threshold stays within, whatever a"
                    + " bundle or the examples say (default ${DEFAULT-VALUE}).")
    String calibrationBounds;

    @Option(
            names = "--calibration-min-examples",
            defaultValue = "50",
            description = "With --calibrate-escalation: fewer labelled inputs keep the bundle's threshold (default"
                    + " ${DEFAULT-VALUE}).")
    int calibrationMinExamples;

    @Option(
            names = "--calibration-target",
            description = "With --calibrate-escalation: the accuracy kept answers must reach, instead of the parent's"
                    + " measured on its answers.")
    Double calibrationTarget;

    @Option(
            names = "--calibration-holdout",
            defaultValue = "0.4",
            description = "With --calibrate-escalation: the share of ground truth federated rounds leave out, so that"
                    + " a version is calibrated on inputs it was not trained on (default ${DEFAULT-VALUE}).")
    double calibrationHoldout;

    @Override
    public Integer call() throws InterruptedException, IOException {
        long started = System.nanoTime();
        if (modelRepository == null && dataDir == null) {
            throw new ParameterException(spec.commandLine(), "--model-repository or --data-dir is required");
        }
        if (modelRepository != null && !Files.isDirectory(modelRepository)) {
            // As Triton does: a node that would serve nothing from a mistyped path must not look healthy.
            throw UserError.usage("--model-repository " + modelRepository
                    + (Files.exists(modelRepository) ? " is not a directory" : ": no such directory"));
        }
        Path repository =
                modelRepository != null ? modelRepository : Files.createDirectories(dataDir.resolve("models"));
        NodeOptions options = NodeOptions.defaults(repository)
                .withHost(httpAddress)
                .withHttpPort(httpPort)
                .withGrpcPort(allowGrpc ? grpcPort : -1)
                .withMaxRequestBytes(maxRequestBytes)
                .withPollSpin(pollSpin())
                .withOtlpEndpoint(otlpEndpoint)
                .withProtection(protection.protection());
        if (openAiConfig != null) {
            options = options.withOpenAi(OpenAiSettings.read(openAiConfig));
        }
        if (control == null && trainingData != null) {
            throw new ParameterException(
                    spec.commandLine(), "--training-data needs --control: rounds come from a control plane");
        }
        if (control == null && calibrateEscalation) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--calibrate-escalation needs --control: new versions come from a control plane");
        }
        if (control != null) {
            options = options.withOta(otaOptions());
        }
        if (dataDir != null) {
            options = options.withLabels(labelOptions());
        }
        FoglineNode node = FoglineNode.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        System.out.printf(
                "fogline node ready on %s://%s:%d in %d ms, models: %s%s%n",
                options.protection().tlsCertificate() == null ? "http" : "https",
                httpAddress,
                node.port(),
                (System.nanoTime() - started) / 1_000_000,
                node.models().index(),
                node.grpcPort() < 0 ? "" : "; gRPC on port " + node.grpcPort());
        stopped.await();
        return 0;
    }

    private LabelStore.Options labelOptions() throws IOException {
        if (labelsMaxExamples < 1 || feedbackRetentionSeconds < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--labels-max-examples and --feedback-retention must be positive");
        }
        Files.createDirectories(dataDir);
        return new LabelStore.Options(
                dataDir.resolve("labels.db"), labelsMaxExamples, Duration.ofSeconds(feedbackRetentionSeconds));
    }

    private Duration pollSpin() {
        // Polling longer than a millisecond would only burn CPU: by then a sleeping loop's wake-up is cheap beside it.
        if (pollSpinMicros < 0 || pollSpinMicros > 1000) {
            throw UserError.usage("--poll-spin-micros " + pollSpinMicros + " is outside 0 to 1000");
        }
        return Duration.ofNanos(pollSpinMicros * 1000);
    }

    private OtaOptions otaOptions() throws IOException {
        if (deviceId == null || dataDir == null || trustedKeys == null) {
            throw new ParameterException(
                    spec.commandLine(), "--control needs --device-id, --data-dir and --trusted-keys");
        }
        String token = enrolmentToken();
        if (token == null && !Files.exists(OtaOptions.database(dataDir))) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--control needs an enrolment token until the node has enrolled: --enrolment-token-file, $"
                            + TOKEN_VARIABLE + " or --enrolment-token");
        }
        if (!Files.isRegularFile(trustedKeys)) {
            throw new ParameterException(spec.commandLine(), "--trusted-keys " + trustedKeys + " is not a file");
        }
        if (trainingData != null && !Files.isDirectory(trainingData)) {
            throw new ParameterException(spec.commandLine(), "--training-data " + trainingData + " is not a directory");
        }
        TelemetryOptions defaults = TelemetryOptions.defaults();
        if (controlAuthority != null && !Files.isRegularFile(controlAuthority)) {
            throw UserError.usage("--control-ca " + controlAuthority + ": no such file");
        }
        OtaOptions options = new OtaOptions(control, token, deviceId, labels, dataDir, trustedKeys)
                .withControlAuthority(controlAuthority)
                .withTelemetry(new TelemetryOptions(
                        Duration.ofSeconds(telemetryWindowSeconds),
                        telemetryMaxBytes,
                        defaults.batchMaxBytes(),
                        defaults.maxMergedWindows(),
                        hostRoot));
        if (calibrateEscalation) {
            options = options.withCalibration(calibrationOptions());
        }
        return trainingData == null ? options : options.withTrainingData(trainingData);
    }

    private CalibrationOptions calibrationOptions() {
        String[] bounds = calibrationBounds.split(":", -1);
        if (bounds.length != 2) {
            throw malformedBounds();
        }
        double lowest;
        double highest;
        try {
            lowest = Double.parseDouble(bounds[0]);
            highest = Double.parseDouble(bounds[1]);
        } catch (NumberFormatException e) {
            throw malformedBounds();
        }
        try {
            return new CalibrationOptions(
                    new ThresholdCalibration.Bounds(lowest, highest),
                    calibrationMinExamples,
                    calibrationTarget,
                    calibrationHoldout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ParameterException malformedBounds() {
        return new ParameterException(
                spec.commandLine(), "--calibration-bounds takes LOWEST:HIGHEST, got " + calibrationBounds);
    }

    /** The token from its file, the environment or (with a warning) the command line; null when none is given. */
    private String enrolmentToken() throws IOException {
        if (enrolmentTokenFile != null) {
            if (!Files.isRegularFile(enrolmentTokenFile)) {
                throw UserError.usage("--enrolment-token-file " + enrolmentTokenFile + ": no such file");
            }
            String token = Files.readString(enrolmentTokenFile).trim();
            if (token.isEmpty()) {
                throw UserError.usage("--enrolment-token-file " + enrolmentTokenFile + " is empty");
            }
            return token;
        }
        String fromEnvironment = System.getenv(TOKEN_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.trim();
        }
        if (enrolmentToken != null) {
            System.err.println("fogline: warning: --enrolment-token stays readable by every local user in"
                    + " /proc/<pid>/cmdline while the node runs; use --enrolment-token-file or $" + TOKEN_VARIABLE);
        }
        return enrolmentToken;
    }
}
