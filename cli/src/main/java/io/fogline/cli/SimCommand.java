package io.fogline.cli;

import io.fogline.bench.sim.FleetSimulation;
import io.fogline.bench.sim.SimOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fogline sim}: a fleet of virtual devices against a control plane run here, to find its limits. */
@Command(
        name = "sim",
        mixinStandardHelpOptions = true,
        description = "Simulate a fleet of devices speaking the real protocol, telemetry included, to a control plane"
                + " run in this process or elsewhere (--control): polls per second held, latency percentiles, and the"
                + " time to roll a bundle out to all of them.")
final class SimCommand implements Callable<Integer> {

    @Option(names = "--devices", defaultValue = "1000", description = "Virtual devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--poll-interval",
            defaultValue = "2",
            description = "Seconds between a device's polls, ±20%% jitter (default ${DEFAULT-VALUE}).")
    long pollInterval;

    @Option(
            names = "--database",
            description = "A jdbc:postgresql: URL of a fresh database; SQLite in --work when absent.")
    String database;

    @Option(
            names = "--warm-up",
            defaultValue = "10",
            description = "Seconds before measuring (default ${DEFAULT-VALUE}).")
    long warmUp;

    @Option(names = "--measure", defaultValue = "30", description = "Seconds measured (default ${DEFAULT-VALUE}).")
    long measure;

    @Option(
            names = "--canary",
            defaultValue = "1%",
            description = "First wave of the rollout: a count, or a share such as 1%% (the default).")
    String canary;

    @Option(names = "--factor", defaultValue = "4", description = "Growth of each wave (default ${DEFAULT-VALUE}).")
    double factor;

    @Option(
            names = "--device-timeout",
            defaultValue = "600",
            description = "Seconds the rollout gives each device to switch once its wave opens (default"
                    + " ${DEFAULT-VALUE}).")
    long deviceTimeout;

    @Option(names = "--no-rollout", description = "Only measure polling.")
    boolean noRollout;

    @Option(
            names = "--epochs",
            defaultValue = "1",
            description = "Epochs of the Fashion-MNIST softmax rolled out (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--connections",
            defaultValue = "64",
            description = "Most requests the fleet has in flight at once (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = "--control",
            split = ",",
            description = "Replicas of a control plane run elsewhere, on a fresh database (URL[,URL...]): the"
                    + " devices spread over them. Without it, this process runs one.")
    List<URI> control = List.of();

    @Option(
            names = "--admin-token",
            defaultValue = "${env:FOGLINE_ADMIN_TOKEN}",
            description = "With --control: its operator token (default: $FOGLINE_ADMIN_TOKEN).")
    String adminToken;

    @Option(
            names = "--signing-key",
            description = "With --control: a signing key file the control plane trusts, for the bundle rolled out.")
    Path signingKey;

    @Option(
            names = "--telemetry-every",
            defaultValue = "60",
            description = "Seconds between a device's telemetry uploads; 0 for none (default ${DEFAULT-VALUE}).")
    long telemetryEvery;

    @Option(
            names = "--work",
            description = "Directory for the control plane's data and the bundle (default: a new temporary one).")
    Path work;

    @Override
    public Integer call() throws Exception {
        SimOptions options = new SimOptions(
                devices,
                work != null ? Files.createDirectories(work) : Files.createTempDirectory("fogline-sim"),
                database,
                Duration.ofSeconds(pollInterval),
                Duration.ofSeconds(warmUp),
                Duration.ofSeconds(measure),
                noRollout ? null : canary,
                factor,
                Duration.ofSeconds(deviceTimeout),
                epochs,
                connections,
                control,
                adminToken,
                signingKey,
                Duration.ofSeconds(telemetryEvery));
        String problems = options.problems();
        if (problems != null) {
            System.err.println("fogline: " + problems);
            return 2;
        }
        new FleetSimulation(options, System.out).run();
        return 0;
    }
}
