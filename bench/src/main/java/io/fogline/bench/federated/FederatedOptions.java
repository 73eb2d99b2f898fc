package io.fogline.bench.federated;

import io.fogline.core.federated.UpdateEncoding;
import java.nio.file.Path;
import java.util.List;

/**
 * How {@code fogline bench federated} runs.
 *
 * @param scenarios which groups of runs, in order: {@code central}, {@code iid}, {@code shards}, {@code dirichlet},
 *     {@code sign-flip}, {@code label-flip}, {@code gaussian}, {@code compression}, {@code memory}, {@code custom}
 * @param setup what every run shares: model, clients, rounds, local training, server optimizer, norm screen, seed
 * @param attackFraction the share of attacking clients in the attack scenarios
 * @param signFlipScale how much the sign-flipping clients multiply their flipped update by
 * @param custom the runs of the {@code custom} scenario
 * @param memoryUpdates how many updates the memory scenario aggregates
 * @param work where per-round CSV files and the memory scenario's stored updates go
 * @param report the markdown file whose section is rewritten after every run; null for none
 * @param section the section's title, so that runs of other settings can stand beside each other
 * @param chart the PNG the accuracy per round is drawn into, after every run
 * @param append whether the report joins this invocation's results to those the work folder holds from earlier or
 *     concurrent invocations of the same commit and settings, instead of showing this invocation's alone
 * @param rewrite whether to run nothing and write the report and chart again from the results the work folder holds
 */
public record FederatedOptions(
        List<String> scenarios,
        Path dataDirectory,
        FederatedSimulation.Setup setup,
        double attackFraction,
        double signFlipScale,
        Custom custom,
        int memoryUpdates,
        Path work,
        Path report,
        String section,
        Path chart,
        boolean append,
        boolean rewrite) {

    public static final String DEFAULT_SECTION = "Federated learning (issue 13)";

    public static final List<String> SCENARIOS = List.of(
            "central",
            "iid",
            "shards",
            "dirichlet",
            "sign-flip",
            "label-flip",
            "gaussian",
            "compression",
            "memory",
            "custom");

    /** The {@code custom} scenario: one partition and attack, every strategy and encoding given. */
    public record Custom(String partition, String attack, List<String> strategies, List<UpdateEncoding> encodings) {}

    public FederatedOptions {
        scenarios = List.copyOf(scenarios);
        if (section.isBlank() || section.contains("\n")) {
            throw new IllegalArgumentException("a section title is one line of text");
        }
        for (String scenario : scenarios) {
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException(
                        "unknown scenario '" + scenario + "': expected one or more of " + String.join(", ", SCENARIOS));
            }
        }
    }
}
