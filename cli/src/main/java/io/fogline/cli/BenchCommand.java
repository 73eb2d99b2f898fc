package io.fogline.cli;

import picocli.CommandLine.Command;

/** {@code fogline bench}: benchmarks that a user runs on their own machine. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure Fogline on this machine.",
        subcommands = {
            CascadeBenchCommand.class,
            DeltaBenchCommand.class,
            FederatedBenchCommand.class,
            LoopBenchCommand.class,
            ServingBenchCommand.class,
            TrainBesideServingBenchCommand.class
        })
final class BenchCommand {}
