package io.fogline.cli;

import io.fogline.listener.ConnectionLimits;
import io.fogline.node.NodeProtection;
import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.node.security.ConfigLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The flags of {@code fogline node} that say what its network may do (docs/security.md). */
final class NodeProtectionFlags {

    @Option(
            names = "--model-control-mode",
            defaultValue = "none",
            description = "none: the repository API may not load or unload models (as Triton's default); explicit: it"
                    + " may, except models a control plane manages (default ${DEFAULT-VALUE}).")
    String modelControlMode;

    @Option(
            names = "--http-restricted-api",
            description = "API groups that need a header with a key, as Triton's: <api>[,<api>...]:<header>=<key>;"
                    + " apis: health, metadata, inference, model-config, model-repository, statistics, openai,"
                    + " metrics (repeatable).")
    List<String> restrictedApis = new ArrayList<>();

    @Option(
            names = "--max-connections",
            defaultValue = "4096",
            description = "Connections beyond this are closed as they arrive (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--max-connections-per-client",
            defaultValue = "256",
            description = "Connections from one address beyond this are closed as they arrive (default"
                    + " ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(
            names = "--idle-timeout",
            defaultValue = "60",
            description = "Seconds a connection may stay open with no request in flight before it is closed; a request"
                    + " answered later than that keeps its connection (default ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(
            names = "--request-timeout",
            defaultValue = "60",
            description = "Seconds from a connection's opening to its first request, and from a request's start to"
                    + " the end of its body (default ${DEFAULT-VALUE}).")
    long requestTimeoutSeconds;

    @Option(
            names = "--max-intra-op-threads",
            description = "The most intra_op_threads a model's config may ask for (default: the cores).")
    Integer maxIntraOpThreads;

    @Option(
            names = "--max-batch-size",
            defaultValue = "1024",
            description = "The largest max_batch_size a model's config may ask for (default ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--max-warmup-elements",
            defaultValue = "4194304",
            description =
                    "The most elements one warm-up input of a model's config may have (default" + " ${DEFAULT-VALUE}).")
    long maxWarmupElements;

    @Option(
            names = "--parent-hosts",
            split = ",",
            description = "Hosts (host or host:port) a model's routing section may escalate to; any when absent.")
    List<String> parentHosts = new ArrayList<>();

    @Option(
            names = "--http-server-cert",
            description = "PEM certificate chain to serve HTTPS with (as Triton's --grpc-server-cert); HTTP without.")
    Path serverCertificate;

    @Option(names = "--http-server-key", description = "PEM (PKCS#8) private key of --http-server-cert.")
    Path serverKey;

    NodeProtection protection() {
        if ((serverCertificate == null) != (serverKey == null)) {
            throw UserError.usage("--http-server-cert and --http-server-key go together");
        }
        for (Path file : new Path[] {serverCertificate, serverKey}) {
            if (file != null && !Files.isRegularFile(file)) {
                throw UserError.usage(file + ": no such file");
            }
        }
        try {
            ConfigLimits configs = ConfigLimits.defaults()
                    .withMaxBatchSize(maxBatchSize)
                    .withMaxWarmupElements(maxWarmupElements)
                    .withParentHosts(lowerCase(parentHosts));
            if (maxIntraOpThreads != null) {
                configs = configs.withMaxIntraOpThreads(maxIntraOpThreads);
            }
            return new NodeProtection(
                    ModelControlMode.parse(modelControlMode),
                    ApiRestrictions.parse(restrictedApis),
                    new ConnectionLimits(
                            maxConnections,
                            maxConnectionsPerClient,
                            Duration.ofSeconds(idleTimeoutSeconds),
                            Duration.ofSeconds(requestTimeoutSeconds)),
                    configs,
                    serverCertificate,
                    serverKey);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
    }

    private static Set<String> lowerCase(List<String> hosts) {
        Set<String> lower = new LinkedHashSet<>();
        hosts.forEach(host -> lower.add(host.trim().toLowerCase(java.util.Locale.ROOT)));
        return lower;
    }
}
