package io.fogline.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} alone, for commands whose own {@code --version} (a model's) rules out picocli's standard help
 * options: with both, picocli drops {@code --help} too.
 */
final class HelpOption {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean requested;
}
