package io.fogline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoglineCommandTest {

    @TempDir
    Path models;

    @TempDir
    Path fleet;

    private static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    private CommandRun quantize(Path input, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "optimize",
                "quantize",
                "--in",
                input.toString(),
                "--out",
                models.resolve("q.onnx").toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void theDemoServesRealModelsAndShowsThemWork() {
        CommandRun demo = run(
                "demo",
                "--exit",
                "--http-port",
                "0",
                "--control-port",
                "0",
                "--models",
                models.toString(),
                "--demo-dir",
                fleet.resolve("demo").toString());
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("[4/4] paddleocr-det")
                .containsPattern("node ready at http://127.0.0.1:[0-9]+ in [0-9]+ ms")
                .containsPattern("the model's text core at x=1[0-9][0-9]\\.\\.[45][0-9][0-9]")
                .containsPattern("cosine \\[0]~\\[1] 0\\.[3-9][0-9]* \\(same meaning")
                .containsPattern("speech probability: silence 0\\.0[0-9], voiced tone")
                .containsPattern("[0-9]+ requests, [0-9]+ req/s")
                .contains("3 nodes enrolled in group 'demo'")
                .containsPattern("published fashion v2: bundle [0-9a-f]{16}\\.\\.\\., signed by ed25519:[0-9a-f]{16}")
                .containsPattern("passed, 1 switched \\| wave 2 \\(2 nodes\\): passed, 2 switched")
                .containsPattern("rollout completed in [0-9.]+ s; meanwhile clients got answers from .*; 0 failed")
                .containsPattern("node on port [0-9]+ answers with fashion v2: [0-9]+ of 200 test images right")
                .containsPattern("telemetry: [0-9,]+ of the [0-9,]+ requests sent are on the dashboard's charts;"
                        + " alerts open: ")
                .containsPattern("round 3: 3 of 3 devices aggregated, local accuracy [0-9.]+%, evaluated [0-9.]+%")
                .containsPattern("published fashion v3 from the nodes' updates, signed by ed25519:[0-9a-f]{16}")
                .contains("rollout completed: every node serves fashion v3")
                .containsPattern(
                        "Dashboard: http://127\\.0\\.0\\.1:[0-9]+/dashboard/\\?minutes=5#token=[A-Za-z0-9_-]+ \\(signs in;"
                                + " the admin token is [A-Za-z0-9_-]+\\)")
                .doesNotContain("INFO");
        Matcher charted = Pattern.compile("telemetry: ([0-9,]+) of the ([0-9,]+) requests sent")
                .matcher(demo.out());
        assertThat(charted.find()).isTrue();
        // Latency against the SLO is the machine's: a loaded test host may breach it. Drift, errors and escalations
        // are the demo's own doing, and its traffic (described by the bundle's reference statistics) raises none.
        Matcher alerts = Pattern.compile("alerts open: (.*)").matcher(demo.out());
        assertThat(alerts.find()).isTrue();
        assertThat(
                        alerts.group(1).equals("none")
                                ? List.<String>of()
                                : List.of(alerts.group(1).split("; ")))
                .allSatisfy(alert -> assertThat(alert).startsWith("latency_slo "));
        assertThat(Long.parseLong(charted.group(1).replace(",", "")))
                .as("requests on the charts")
                .isGreaterThanOrEqualTo(Long.parseLong(charted.group(2).replace(",", "")));
        assertThat(fleet.resolve("demo/demo.log")).content().contains("INFO");
    }

    @Test
    void theDemoLeavesADirectoryItDidNotWriteAlone() throws Exception {
        Path mine = Files.createDirectories(fleet.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep me");

        CommandRun demo = run("demo", "--exit", "--demo-dir", mine.toString());

        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.err())
                .isEqualTo("fogline: --demo-dir " + mine + " holds files an earlier demo did not write; the demo"
                        + " empties its directory, so give it a new or empty one" + System.lineSeparator());
        assertThat(mine.resolve("notes.txt")).hasContent("keep me");
    }

    @Test
    void theSimulatorRefusesSettingsItCannotRun() {
        CommandRun sim = run("sim", "--devices", "0", "--factor", "1", "--connections", "0");
        assertThat(sim.exitCode()).isEqualTo(2);
        assertThat(sim.err())
                .isEqualTo("fogline: --devices must be at least 1, got 0; --connections must be at least 1, got 0;"
                        + " --factor must be above 1, got 1.0" + System.lineSeparator());
    }

    @Test
    void fetchingAnUnknownModelNamesTheKnownOnes() {
        CommandRun fetch = run("models", "fetch", "--dest", models.toString(), "no-such-model");
        assertThat(fetch.exitCode()).isEqualTo(2);
        assertThat(fetch.err()).contains("no-such-model").contains("minilm, minilm-int8, silero-vad");
    }

    @Test
    void quantizingAFileThatIsNoModelIsOneLineNamingIt() throws Exception {
        Path notes = Files.writeString(models.resolve("notes.txt"), "shopping list");

        CommandRun quantize = quantize(notes);

        assertThat(quantize.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(quantize.err())
                .startsWith("fogline: " + notes + " is not an ONNX model")
                .doesNotContain("\tat ");
        assertThat(quantize.err().lines()).hasSize(1);
        assertThat(models.resolve("q.onnx")).doesNotExist();
    }

    @Test
    void verboseAddsTheStackTraceToTheOneLine() throws Exception {
        Path notes = Files.writeString(models.resolve("notes.txt"), "shopping list");

        CommandRun quantize = quantize(notes, "--verbose");

        assertThat(quantize.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(quantize.err()).contains("InvalidModelException").contains("\tat ");
        assertThat(quantize.err().lines().toList().getLast()).startsWith("fogline: " + notes + " is not an ONNX model");
    }

    @Test
    void trainingWithoutTheDatasetSaysWhatToRun() {
        CommandRun train = run("train", "--data", models.toString(), "--out", fleet.toString());

        assertThat(train.exitCode()).isEqualTo(ExitCodes.MISSING);
        assertThat(train.err())
                .isEqualTo("fogline: Fashion-MNIST file train-images-idx3-ubyte[.gz] not found in " + models
                        + ": `fogline datasets fetch` puts the pinned files in the user's cache, or install the Debian"
                        + " package dataset-fashion-mnist, which puts them in /usr/share/datasets/fashion-mnist"
                        + " (`fogline doctor` lists what is missing)" + System.lineSeparator());
    }

    @Test
    void aNodeRefusesAModelRepositoryThatIsNotThere() {
        Path absent = models.resolve("no/such/dir");

        CommandRun node = run("node", "--model-repository", absent.toString(), "--http-port", "0");

        assertThat(node.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(node.err())
                .isEqualTo("fogline: --model-repository " + absent + ": no such directory" + System.lineSeparator());
        assertThat(absent).doesNotExist();
    }

    @Test
    void aNodeRefusesAPollSpinOutsideAMillisecond() {
        CommandRun node =
                run("node", "--model-repository", models.toString(), "--http-port", "0", "--poll-spin-micros", "-1");

        assertThat(node.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(node.err())
                .isEqualTo("fogline: --poll-spin-micros -1 is outside 0 to 1000" + System.lineSeparator());
    }

    @Test
    void aNodeTrainsOnlyForAControlPlane() {
        CommandRun node = run(
                "node",
                "--model-repository",
                models.toString(),
                "--training-data",
                models.toString(),
                "--http-port",
                "0");

        assertThat(node.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(node.err()).contains("--training-data needs --control: rounds come from a control plane");
    }

    @Test
    void aControlPlaneRefusesASigningKeyThatIsNotThere() {
        Path key = models.resolve("no-key.json");

        CommandRun control = run(
                "control",
                "--data-dir",
                models.resolve("control").toString(),
                "--http-port",
                "0",
                "--signing-key",
                key.toString());

        assertThat(control.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(control.err())
                .isEqualTo("fogline: --signing-key " + key + " is not a file" + System.lineSeparator());
    }

    @Test
    void aControlPlaneRefusesDownsamplingTiersThatDoNotNest() {
        CommandRun control = run(
                "control",
                "--data-dir",
                models.resolve("control").toString(),
                "--http-port",
                "0",
                "--telemetry-downsample",
                "2h=10m,1d=15m");

        assertThat(control.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(control.err())
                .isEqualTo("fogline: down-sampling tiers must grow older and coarser, each bucket a multiple of the one"
                        + " before: 2h=10m then 1d=15m" + System.lineSeparator());
    }

    @Test
    void rolloutStatusWithoutATokenPrintsTheErrorAlone() {
        CommandRun status = run(
                "rollout", "status", "--data-dir", models.resolve("no-control").toString());

        assertThat(status.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(status.out()).isEmpty();
        assertThat(status.err()).startsWith("fogline: no admin token: pass --token");
    }

    @Test
    void anExceptionNoInputExplainsIsABugWithItsStackTrace() {
        ErrorReport.Verdict verdict = ErrorReport.judge(new NullPointerException("x is null"));

        assertThat(verdict.exitCode()).isEqualTo(ExitCodes.BUG);
        assertThat(verdict.bug()).isTrue();
        assertThat(ErrorReport.judge(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("k.json"))))
                .isEqualTo(new ErrorReport.Verdict(ExitCodes.USAGE, "no such file or directory: k.json", false));
    }

    @Test
    void theDoctorSaysWhatIsMissingAndHowToGetIt() {
        CommandRun doctor = run("doctor", "--models", models.toString());

        assertThat(doctor.exitCode()).as(doctor.out()).isZero();
        assertThat(doctor.out())
                .containsPattern("ok +JDK +" + Runtime.version().feature())
                .contains("fetch    models         minilm, minilm-int8, silero-vad, paddleocr-det not in " + models
                        + ": `./fogline models fetch --dest " + models + "` fetches them")
                .contains("Fashion-MNIST")
                .contains("`./fogline demo` can run: what it lacks it fetches by itself.");
    }

    /** A node given a control plane and everything else it needs to start, but no enrolment token. */
    private List<String> nodeOfAControlPlane() throws IOException {
        Path trust = Files.writeString(models.resolve("trust.json"), "{\"keys\": []}");
        return List.of(
                "node",
                "--model-repository",
                models.toString(),
                "--http-port",
                "0",
                "--control",
                "http://127.0.0.1:9",
                "--device-id",
                "cam-1",
                "--data-dir",
                models.resolve("node").toString(),
                "--trusted-keys",
                trust.toString());
    }

    @Test
    void aNodeGivenAControlPlaneWantsItsEnrolmentTokenFromAFileOrTheEnvironment() throws Exception {
        List<String> node = nodeOfAControlPlane();

        CommandRun none = run(with(node));
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err())
                .contains("--control needs an enrolment token until the node has enrolled: --enrolment-token-file,"
                        + " $FOGLINE_ENROLMENT_TOKEN or --enrolment-token");

        Path missing = models.resolve("no-token");
        CommandRun absent = run(with(node, "--enrolment-token-file", missing.toString()));
        assertThat(absent.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(absent.err())
                .isEqualTo("fogline: --enrolment-token-file " + missing + ": no such file" + System.lineSeparator());
    }

    @Test
    void aNodeRefusesCalibrationSettingsItCannotUse() throws Exception {
        List<String> node = List.of(with(nodeOfAControlPlane(), "--enrolment-token", "t", "--calibrate-escalation"));

        CommandRun reversed = run(with(node, "--calibration-bounds", "0.9:0.5"));
        assertThat(reversed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(reversed.err()).contains("calibration bounds must satisfy 0 <= lowest <= highest <= 1, got 0.9:0.5");

        CommandRun garbled = run(with(node, "--calibration-bounds", "low:0.9"));
        assertThat(garbled.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(garbled.err()).contains("--calibration-bounds takes LOWEST:HIGHEST, got low:0.9");

        CommandRun holdout = run(with(node, "--calibration-holdout", "0"));
        assertThat(holdout.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(holdout.err()).contains("the calibration holdout must be above 0 and at most 1, got 0.0");

        CommandRun alone = run("node", "--model-repository", models.toString(), "--calibrate-escalation");
        assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(alone.err())
                .contains("--calibrate-escalation needs --control: new versions come from a control plane");
    }

    private static String[] with(List<String> arguments, String... more) {
        return java.util.stream.Stream.concat(arguments.stream(), java.util.Arrays.stream(more))
                .toArray(String[]::new);
    }

    @Test
    void theNodeRequiresAModelRepository() {
        CommandRun node = run("node");
        assertThat(node.exitCode()).isEqualTo(2);
        assertThat(node.err()).contains("--model-repository or --data-dir is required");
    }

    @Test
    void theCascadeBenchmarkFailsAtOnceWhereItCouldNotWriteItsResults() throws Exception {
        Path file = Files.writeString(models.resolve("results"), "a file, not a folder");

        CommandRun bench = run("bench", "cascade", "--launcher", "fogline", "--out", file.toString());

        assertThat(bench.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bench.err()).isEqualTo("fogline: already exists: " + file + System.lineSeparator());
        assertThat(bench.out()).isEmpty();
    }

    @Test
    void theCascadeBenchmarkRefusesSettingsItCannotRun() {
        CommandRun bench = run("bench", "cascade", "--launcher", "fogline", "--samples", "0");
        assertThat(bench.exitCode()).isEqualTo(2);
        assertThat(bench.err())
                .isEqualTo("fogline: --thresholds must name one value or more, --samples and --concurrency must be at"
                        + " least 1, --delay-ms must not be negative" + System.lineSeparator());
    }

    @Test
    void theServingBenchmarkRefusesSettingsItCannotRun() {
        CommandRun scenario = run("bench", "serving", "--launcher", "fogline", "--scenarios", "overhead,speed");
        assertThat(scenario.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(scenario.err())
                .isEqualTo("fogline: unknown scenario 'speed', expected overhead, batching, telemetry, startup, codec"
                        + System.lineSeparator());
        CommandRun codec = run("bench", "serving", "--launcher", "fogline", "--scenarios", "codec");
        assertThat(codec.err())
                .isEqualTo("fogline: the codec micro-benchmarks need JMH, which this jar leaves out: run"
                        + " bench/run-serving.sh --scenarios codec" + System.lineSeparator());
        CommandRun peer = run("bench", "serving", "--launcher", "fogline", "--peer-url", "triton:8000");
        assertThat(peer.err())
                .isEqualTo("fogline: a peer URL is http://HOST:PORT, got 'triton:8000'" + System.lineSeparator());
        CommandRun windows = run("bench", "serving", "--launcher", "fogline", "--measure", "0");
        assertThat(windows.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(windows.out()).isEmpty();
    }
}
