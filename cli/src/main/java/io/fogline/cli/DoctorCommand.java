package io.fogline.cli;

import io.fogline.fetch.DatasetCatalog;
import io.fogline.fetch.Datasets;
import io.fogline.fetch.FetchListener;
import io.fogline.fetch.ModelFetcher;
import io.fogline.fetch.PinnedDataset;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fogline doctor}: what this machine has of what the demo, training, the benchmarks and the tests need, what is
 * missing, and the command that gets it. Changes nothing.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "List what the demo, training, the benchmarks and the tests need, what this machine has, and how to get"
                    + " what it lacks. Changes nothing. Exit status 0 when the demo can run (what it lacks it can"
                    + " fetch), 4 when it cannot."
        })
final class DoctorCommand implements Callable<Integer> {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    @Option(
            names = "--models",
            defaultValue = "models",
            description = "Model repository the demo uses (default ${DEFAULT-VALUE}).")
    Path models;

    /** One line of the report; {@code blocksDemo} when the demo cannot run without it. */
    record Check(String status, String what, String detail, boolean blocksDemo) {}

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        checks.add(jdk());
        ModelFetcher fetcher = new ModelFetcher(models, FetchListener.SILENT);
        List<String> missingModels = missingModels(fetcher);
        checks.add(maven(fetcher, missingModels));
        checks.add(npm(fetcher, missingModels));
        checks.add(modelsCheck(missingModels));
        checks.addAll(fashionMnist());
        checks.add(chromium());
        checks.add(postgres());
        for (Check check : checks) {
            System.out.printf("%-8s %-14s %s%n", check.status(), check.what(), check.detail());
        }
        List<String> blocking =
                checks.stream().filter(Check::blocksDemo).map(Check::what).toList();
        if (blocking.isEmpty()) {
            System.out.println("\n`./fogline demo` can run: what it lacks it fetches by itself.");
            return ExitCodes.OK;
        }
        System.out.println("\n`./fogline demo` cannot run as it is: " + String.join(", ", blocking)
                + " (see above for how to get each).");
        return ExitCodes.MISSING;
    }

    private static Check jdk() {
        Runtime.Version version = Runtime.version();
        String where = System.getProperty("java.home");
        return version.feature() >= 21
                ? new Check("ok", "JDK", version + " at " + where, false)
                : new Check("missing", "JDK", version + " at " + where + " is older than 21: install a JDK 21+", true);
    }

    private static List<String> missingModels(ModelFetcher fetcher) {
        try {
            return fetcher.missing(DemoCommand.MODELS);
        } catch (IOException e) {
            return DemoCommand.MODELS;
        }
    }

    private static Check maven(ModelFetcher fetcher, List<String> missingModels) {
        Optional<Path> maven = fetcher.mavenClient();
        if (maven.isPresent()) {
            return new Check("ok", "Maven", maven.get() + " (fetches MiniLM and PaddleOCR from Maven Central)", false);
        }
        boolean needed = missingModels.stream().anyMatch(model -> !model.equals("silero-vad"));
        return new Check(
                needed ? "missing" : "absent",
                "Maven",
                "neither $FOGLINE_HOME/mvnw nor mvn on PATH: run Fogline through its ./fogline launcher, or install"
                        + " Maven; the models from Maven Central need it",
                needed);
    }

    private static Check npm(ModelFetcher fetcher, List<String> missingModels) {
        Optional<Path> npm = fetcher.npmClient();
        if (npm.isPresent()) {
            return new Check(
                    "ok",
                    "npm",
                    npm.get() + " " + version(npm.get()) + " (fetches Silero VAD; builds the dashboard)",
                    false);
        }
        boolean needed = missingModels.contains("silero-vad");
        return new Check(
                needed ? "missing" : "absent",
                "npm",
                "not on PATH: install Node.js with npm (Debian: apt-get install npm); Silero VAD comes from the npm"
                        + " registry and the build of the dashboard runs npm",
                needed);
    }

    private Check modelsCheck(List<String> missingModels) {
        if (missingModels.isEmpty()) {
            return new Check(
                    "ok", "models", "the demo's " + DemoCommand.MODELS + " in " + models + ", verified", false);
        }
        return new Check(
                "fetch",
                "models",
                String.join(", ", missingModels) + " not in " + models + ": `./fogline models fetch --dest " + models
                        + "` fetches them (pinned, SHA-256-verified; the demo does it itself)",
                false);
    }

    private static List<Check> fashionMnist() {
        PinnedDataset dataset = DatasetCatalog.FASHION_MNIST;
        Datasets datasets = Datasets.fromEnvironment();
        Optional<Datasets.Found> found = datasets.find(dataset);
        if (found.isPresent()) {
            String where = found.get().origin() == Datasets.Origin.SYSTEM ? "Debian's package" : "the user's cache";
            return List.of(new Check("ok", dataset.title(), found.get().directory() + " (" + where + ")", false));
        }
        List<Check> checks = new ArrayList<>();
        Path cache = datasets.locations().cacheRoot();
        String writable = writable(cache);
        checks.add(
                writable == null
                        ? new Check("ok", "user cache", cache + " (writable)", false)
                        : new Check(
                                "missing",
                                "user cache",
                                writable + ": set FOGLINE_CACHE_DIR (or XDG_CACHE_HOME) to a folder you may write",
                                true));
        URI source = dataset.source().uri(datasets.locations().mirror());
        String reachable = reachable(source);
        checks.add(new Check(
                reachable == null ? "fetch" : "missing",
                dataset.title(),
                String.format(
                        Locale.ROOT,
                        "in neither %s nor %s: `./fogline datasets fetch` downloads %s (%.1f MB) from %s%s (the demo,"
                                + " training and the benchmarks do it themselves)",
                        datasets.systemDirectory(dataset),
                        datasets.cacheDirectory(dataset),
                        dataset.source().describe(),
                        dataset.source().bytes() / 1e6,
                        datasets.locations().mirror(),
                        reachable == null
                                ? ""
                                : ", which does not answer now (" + reachable + "; FOGLINE_DEBIAN_MIRROR names"
                                        + " another mirror), or install Debian's "
                                        + dataset.source().name()),
                reachable != null));
        return checks;
    }

    private static Check chromium() {
        Path chromium = Path.of("/usr/bin/chromium");
        return Files.isExecutable(chromium)
                ? new Check("ok", "chromium", chromium + " (DashboardBrowserTest)", false)
                : new Check(
                        "absent",
                        "chromium",
                        chromium + " is missing: only the tests need it (DashboardBrowserTest);"
                                + " scripts/install-test-deps.sh installs it, as root",
                        false);
    }

    private static Check postgres() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), (int) PROBE_TIMEOUT.toMillis());
            return new Check("ok", "PostgreSQL", "answers on 127.0.0.1:5432 (the tests; `control --database`)", false);
        } catch (IOException e) {
            return new Check(
                    "absent",
                    "PostgreSQL",
                    "nothing answers on 127.0.0.1:5432: only the tests and `fogline control --database` need it;"
                            + " scripts/postgres.sh starts or installs one",
                    false);
        }
    }

    /** Why {@code directory} cannot be written, or null when it can (it is made if absent, then left). */
    private static String writable(Path directory) {
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".doctor-", ".probe");
            Files.delete(probe);
            return null;
        } catch (IOException | SecurityException e) {
            return directory + " cannot be written (" + e.getMessage() + ")";
        }
    }

    /** Why {@code uri} does not answer a HEAD request with 200, or null when it does. */
    private static String reachable(URI uri) {
        try (HttpClient client =
                HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build()) {
            int status = client.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(PROBE_TIMEOUT)
                                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            return status == 200 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String version(Path program) {
        try {
            Process process = new ProcessBuilder(program.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
