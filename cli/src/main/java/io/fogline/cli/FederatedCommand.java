package io.fogline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fogline federated}: starts, watches and stops federated jobs through the control plane's REST API. */
@Command(
        name = "federated",
        mixinStandardHelpOptions = true,
        description = "Train a published model on the devices' own data: start, watch and stop federated jobs.",
        subcommands = {FederatedCommand.Start.class, FederatedCommand.Status.class, FederatedCommand.Stop.class})
final class FederatedCommand {

    private FederatedCommand() {}

    private static int failed(ControlConnection.ControlError e) {
        System.err.println("fogline: " + e.getMessage());
        return 1;
    }

    @Command(name = "start", description = "Start a federated job; prints its status.")
    static final class Start implements Callable<Integer> {

        @Mixin
        HelpOption help;

        @Mixin
        ControlConnection connection;

        @Option(names = "--id", description = "The job's id (default: made up).")
        String id;

        @Option(names = "--model", required = true, description = "The model to train, published before.")
        String model;

        @Option(names = "--version", required = true, description = "The version the first round starts from.")
        long version;

        @ArgGroup(multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--group", required = true, description = "Devices of this group (those opted in).")
            String group;

            @Option(names = "--selector", required = true, description = "Devices with these labels: k=v[,k=v].")
            String selector;
        }

        @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default ${DEFAULT-VALUE}).")
        int rounds;

        @Option(
                names = "--fraction",
                defaultValue = "1",
                description = "Share of the opted-in devices chosen per round (default ${DEFAULT-VALUE}).")
        double fraction;

        @Option(
                names = "--min-clients",
                defaultValue = "2",
                description = "Fewest devices a round opens with (default ${DEFAULT-VALUE}).")
        int minClients;

        @Option(
                names = "--min-replies",
                description = "Fewest accepted updates a round aggregates (default: --min-clients).")
        Integer minReplies;

        @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs (default ${DEFAULT-VALUE}).")
        int localEpochs;

        @Option(names = "--batch", defaultValue = "32", description = "Local batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--learning-rate",
                defaultValue = "0.05",
                description = "Local SGD rate (default ${DEFAULT-VALUE}).")
        double learningRate;

        @Option(names = "--mu", defaultValue = "0", description = "FedProx's μ (default ${DEFAULT-VALUE}: FedAvg).")
        double mu;

        @Option(names = "--clip", defaultValue = "0", description = "Devices clip updates to this norm (0: none).")
        double clip;

        @Option(
                names = "--encoding",
                defaultValue = "fp32",
                description = "fp32, int8[:BLOCK] or topk:FRACTION (default ${DEFAULT-VALUE}).")
        String encoding;

        @Option(
                names = "--aggregation",
                defaultValue = "fedavg",
                description = "fedavg, median, trimmed-mean:B, krum:F, multi-krum:F:M, any +norm-bound:M (default"
                        + " ${DEFAULT-VALUE}).")
        String aggregation;

        @Option(
                names = "--server",
                defaultValue = "sgd",
                description = "Server step: sgd[:RATE[:MOMENTUM]] or adam[:RATE] (default ${DEFAULT-VALUE}).")
        String server;

        @Option(
                names = "--norm-screen",
                defaultValue = "0",
                description = "Refuse updates longer than this multiple of the round's median norm (0: none).")
        double normScreen;

        @Option(
                names = "--round-seconds",
                defaultValue = "600",
                description = "Deadline of each round (default ${DEFAULT-VALUE}).")
        long roundSeconds;

        @Option(names = "--publish-version", description = "Version to publish the result as (default: next).")
        Long publishVersion;

        @Option(names = "--key", description = "Key id to sign with; must be the control plane's signing key.")
        String key;

        @Option(names = "--rollout-canary", description = "Roll the result out to the target: first wave (1, 5%%).")
        String rolloutCanary;

        @Option(
                names = "--rollout-factor",
                defaultValue = "2",
                description = "Each next wave this many times the last.")
        double rolloutFactor;

        @Option(names = "--rollout-golden", description = "A switch must report its golden test passed.")
        boolean rolloutGolden;

        @Override
        public Integer call() {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("id", id);
            job.put("model", model);
            job.put("version", version);
            job.put(
                    "target",
                    target.group != null ? Map.of("group", target.group) : Map.of("selector", target.selector));
            job.put("rounds", rounds);
            job.put("clients", Map.of("fraction", fraction, "minimum", minClients));
            job.put("min_replies", minReplies == null ? minClients : minReplies);
            job.put(
                    "local",
                    Map.of(
                            "epochs", localEpochs,
                            "batch_size", batch,
                            "learning_rate", learningRate,
                            "proximal_mu", mu,
                            "clip_norm", clip));
            job.put("encoding", encoding);
            job.put("aggregation", aggregation);
            job.put("server", server);
            job.put("norm_screen", normScreen);
            job.put("round_seconds", roundSeconds);
            Map<String, Object> publish = new LinkedHashMap<>();
            publish.put("version", publishVersion);
            publish.put("key", key);
            job.put("publish", publish);
            if (rolloutCanary != null) {
                job.put(
                        "rollout",
                        Map.of(
                                "waves", Map.of("canary", rolloutCanary, "factor", rolloutFactor),
                                "gates", Map.of("quality", rolloutGolden ? Map.of("golden_passed", true) : Map.of())));
            }
            try {
                System.out.print(report(connection.post("/api/v1/federated/jobs", job)));
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Print a job's rounds (participants, refusals, accuracy), or list every job.")
    static final class Status implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(arity = "0..1", paramLabel = "ID", description = "The job; all of them when absent.")
        String id;

        @Override
        public Integer call() {
            try {
                if (id != null) {
                    System.out.print(report(connection.get("/api/v1/federated/jobs/" + id)));
                } else {
                    System.out.printf("%-20s %-20s %7s  %-10s %s%n", "id", "model", "version", "state", "round");
                    for (JsonNode job : connection.get("/api/v1/federated/jobs")) {
                        System.out.print(line(job));
                    }
                }
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a running job; prints its status.")
    static final class Stop implements Callable<Integer> {

        @Mixin
        ControlConnection connection;

        @Parameters(paramLabel = "ID", description = "The job.")
        String id;

        @Override
        public Integer call() {
            try {
                System.out.print(report(connection.post("/api/v1/federated/jobs/" + id + "/stop", Map.of())));
                return 0;
            } catch (ControlConnection.ControlError e) {
                return failed(e);
            }
        }
    }

    static String line(JsonNode job) {
        return String.format(
                "%-20s %-20s %7d  %-10s %d/%d%n",
                job.path("id").asText(),
                job.path("model").asText(),
                job.path("version").asLong(),
                job.path("state").asText(),
                job.path("round").asInt(),
                job.path("rounds").asInt());
    }

    /** A job and a row per round, as {@code status ID} prints them. */
    static String report(JsonNode job) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(
                "job %s: %s version %d, %s, round %d of %d, %s%n",
                job.path("id").asText(),
                job.path("model").asText(),
                job.path("version").asLong(),
                job.path("aggregation").asText(),
                job.path("round").asInt(),
                job.path("rounds").asInt(),
                job.path("state").asText()));
        if (job.hasNonNull("reason")) {
            text.append("  ").append(job.path("reason").asText()).append('\n');
        }
        if (job.path("state").asText().equals("completed")) {
            text.append(String.format(
                    "  published version %d (bundle %s)%s%n",
                    job.path("result_version").asLong(),
                    job.path("result_bundle").asText(),
                    job.hasNonNull("rollout_id")
                            ? ", rollout " + job.path("rollout_id").asLong()
                            : ""));
        }
        text.append(String.format(
                "  %5s  %-10s %6s %8s %10s %9s %9s  %s%n",
                "round", "state", "chosen", "accepted", "aggregated", "local acc", "eval acc", "refused"));
        for (JsonNode round : job.path("history")) {
            StringBuilder refused = new StringBuilder();
            round.path("refusals").properties().forEach(entry -> refused.append(refused.isEmpty() ? "" : ", ")
                    .append(entry.getKey())
                    .append(' ')
                    .append(entry.getValue().asLong()));
            text.append(String.format(
                    "  %5d  %-10s %6d %8d %10s %9s %9s  %s%n",
                    round.path("round").asInt(),
                    round.path("state").asText(),
                    round.path("chosen").asLong(),
                    round.path("accepted").asLong(),
                    round.hasNonNull("aggregated") ? round.path("aggregated").asText() : "-",
                    percent(round.path("accuracy")),
                    percent(round.path("eval_accuracy")),
                    refused.isEmpty() ? "none" : refused));
            if (round.hasNonNull("reason")) {
                text.append("         ").append(round.path("reason").asText()).append('\n');
            }
        }
        return text.toString();
    }

    private static String percent(JsonNode value) {
        return value.isNumber() ? String.format("%.2f%%", 100 * value.asDouble()) : "-";
    }
}
