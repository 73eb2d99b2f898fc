package io.fogline.node.security;

import io.fogline.core.error.InferenceException;
import io.fogline.routing.policy.RoutingPolicy;
import io.fogline.runtime.config.ModelConfig;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The resources and parents a model's config may ask of this node, set by the node's owner at start. Every config is
 * checked before its model loads, whether it came from the repository, a signed bundle or a load request: one that
 * asks for more is refused naming the setting, the value and the limit, and the serving model stays.
 *
 * @param maxIntraOpThreads threads one ONNX Runtime session may use
 * @param maxInstanceCount model instances (sessions) one version may run
 * @param maxBatchSize the largest {@code max_batch_size}, and so the largest batch the batcher builds
 * @param maxQueueSize the largest {@code dynamic_batching.max_queue_size}
 * @param maxWarmupElements the most elements one warm-up input may have (the product of its shape)
 * @param maxCacheBytes the largest {@code routing.cache.max_bytes}
 * @param parentHosts the hosts a routing section may escalate to ({@code host} or {@code host:port}); empty for any
 */
public record ConfigLimits(
        int maxIntraOpThreads,
        int maxInstanceCount,
        int maxBatchSize,
        int maxQueueSize,
        long maxWarmupElements,
        long maxCacheBytes,
        Set<String> parentHosts) {

    public ConfigLimits {
        parentHosts = Set.copyOf(parentHosts);
    }

    public static ConfigLimits defaults() {
        return new ConfigLimits(
                Runtime.getRuntime().availableProcessors(),
                Math.max(1, Runtime.getRuntime().availableProcessors()),
                1024,
                65_536,
                4L * 1024 * 1024,
                1024L * 1024 * 1024,
                Set.of());
    }

    public ConfigLimits withParentHosts(Set<String> hosts) {
        return new ConfigLimits(
                maxIntraOpThreads,
                maxInstanceCount,
                maxBatchSize,
                maxQueueSize,
                maxWarmupElements,
                maxCacheBytes,
                hosts);
    }

    public ConfigLimits withMaxIntraOpThreads(int threads) {
        return new ConfigLimits(
                threads, maxInstanceCount, maxBatchSize, maxQueueSize, maxWarmupElements, maxCacheBytes, parentHosts);
    }

    public ConfigLimits withMaxWarmupElements(long elements) {
        return new ConfigLimits(
                maxIntraOpThreads, maxInstanceCount, maxBatchSize, maxQueueSize, elements, maxCacheBytes, parentHosts);
    }

    public ConfigLimits withMaxBatchSize(int batch) {
        return new ConfigLimits(
                maxIntraOpThreads,
                maxInstanceCount,
                batch,
                maxQueueSize,
                maxWarmupElements,
                maxCacheBytes,
                parentHosts);
    }

    /** Refuses a config that asks for more than the limits allow, naming what and the flag that sets the limit. */
    public void check(ModelConfig config) {
        over("intra_op_threads", config.intraOpThreads(), maxIntraOpThreads, "--max-intra-op-threads");
        over("instance_count", config.instanceCount(), maxInstanceCount, "--max-instance-count");
        over("max_batch_size", config.maxBatchSize(), maxBatchSize, "--max-batch-size");
        if (config.dynamicBatching() != null) {
            over("dynamic_batching.max_queue_size", config.dynamicBatching().maxQueueSize(), maxQueueSize, null);
            for (Integer preferred : config.dynamicBatching().preferredBatchSize()) {
                over("dynamic_batching.preferred_batch_size", preferred, maxBatchSize, "--max-batch-size");
            }
        }
        if (config.warmup() != null) {
            for (ModelConfig.WarmupSample sample : config.warmup()) {
                sample.inputs().forEach((input, warmup) -> {
                    if (warmup.shape() != null) {
                        over(
                                "warmup '" + sample.name() + "' input '" + input + "' elements",
                                elements(warmup.shape()),
                                maxWarmupElements,
                                "--max-warmup-elements");
                    }
                });
            }
        }
        if (config.routing() != null) {
            RoutingPolicy routing = RoutingPolicy.parse(config.routing());
            if (routing.cache() != null) {
                over("routing.cache.max_bytes", routing.cache().maxBytes(), maxCacheBytes, null);
            }
            for (RoutingPolicy.Parent parent : routing.parents()) {
                checkParent(parent);
            }
        }
    }

    private void checkParent(RoutingPolicy.Parent parent) {
        if (parentHosts.isEmpty()) {
            return;
        }
        URI url = URI.create(parent.url());
        String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        if (!parentHosts.contains(host) && !parentHosts.contains(host + ":" + url.getPort())) {
            throw InferenceException.invalid("config refused: parent '" + parent.name() + "' at " + parent.url()
                    + " is not among this node's parent hosts "
                    + parentHosts.stream().sorted().toList()
                    + " (--parent-hosts)");
        }
    }

    /** The product of a shape's dimensions; a dimension below 1 (a wildcard) counts as 1. */
    private static long elements(java.util.List<Long> shape) {
        long product = 1;
        for (Long dimension : shape) {
            long d = dimension == null || dimension < 1 ? 1 : dimension;
            product = d > Long.MAX_VALUE / product ? Long.MAX_VALUE : product * d;
        }
        return product;
    }

    private static void over(String setting, Number value, long limit, String flag) {
        if (value != null && value.longValue() > limit) {
            throw InferenceException.invalid("config refused: " + setting + " " + value + " is over this node's limit"
                    + " of " + limit + (flag == null ? "" : " (" + flag + ")"));
        }
    }
}
