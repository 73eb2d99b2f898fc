package io.fogline.bench.federated;

import io.fogline.core.federated.ModelUpdate;
import io.fogline.federated.AggregationRule;
import io.fogline.learn.data.Dataset;
import io.fogline.learn.data.Partitions;
import io.fogline.learn.data.TrainTest;
import io.fogline.learn.federated.FederatedClient;
import io.fogline.learn.federated.RoundConfig;
import io.fogline.learn.model.Network;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The aggregators' time and heap over many updates of the real model: each update is a real client's (a few dozen
 * Fashion-MNIST images, one local epoch), all are stored in a file, and every rule reads them from it in ranges, as it
 * would read a control plane's stored updates. Holding them all would take {@code updates × parameters × 4} bytes.
 */
final class AggregationMemory {

    /** One rule's run: wall-clock time, and the heap it allocated, an upper bound of what it held at its peak. */
    record Row(String rule, double seconds, long heapBytes) {}

    record Result(
            int updates, int dimension, int examplesPerClient, double generateSeconds, long heapMax, List<Row> rows) {

        long allUpdatesBytes() {
            return 4L * updates * dimension;
        }
    }

    private AggregationMemory() {}

    static Result run(FederatedOptions options, TrainTest data, PrintStream out) throws IOException {
        int n = options.memoryUpdates();
        FederatedSimulation.Setup setup = options.setup();
        Dataset train = data.train();
        Network network = setup.model().build(train.sampleShape(), train.classCount(), setup.seed());
        float[] global = network.parameterVector();
        FederatedClient client = new FederatedClient(network);
        int[][] parts = Partitions.iid(train.size(), n, setup.seed());
        long[] counts = new long[n];
        Path file = options.work().resolve("memory-updates.f32");
        out.printf(
                "[memory] %d clients train one epoch each on %d images and store their updates in %s%n",
                n, train.size() / n, file);
        long start = System.nanoTime();
        ByteBuffer bytes = ByteBuffer.allocate(4 * global.length).order(ByteOrder.LITTLE_ENDIAN);
        RoundConfig config = setup.local().withClipNorm(0);
        try (OutputStream stored = Files.newOutputStream(file)) {
            for (int c = 0; c < n; c++) {
                ModelUpdate update = client.train("memory", 1, global, train.subset(parts[c]), config, c);
                counts[c] = update.exampleCount();
                bytes.clear();
                bytes.asFloatBuffer().put(update.delta());
                stored.write(bytes.array());
                if ((c + 1) % Math.max(1, n / 10) == 0) {
                    out.printf("[memory] %d of %d updates stored%n", c + 1, n);
                }
            }
        }
        double generateSeconds = (System.nanoTime() - start) / 1e9;
        List<Row> rows = new ArrayList<>();
        int byzantine = Math.max(1, n / 10);
        List<AggregationRule> rules = List.of(
                AggregationRule.parse("fedavg"),
                AggregationRule.parse("median"),
                AggregationRule.parse("trimmed-mean:0.1"),
                AggregationRule.parse("multi-krum:" + byzantine + ":" + n / 2));
        try (FileUpdates updates = new FileUpdates(file, global.length, counts)) {
            for (AggregationRule rule : rules) {
                out.printf("[memory] %s over %d updates of %,d parameters ...%n", rule, n, global.length);
                Row row = measure(rule, updates);
                rows.add(row);
                out.printf(
                        Locale.ROOT,
                        "[memory] %s: %.1f s, %.1f MB of heap allocated%n",
                        rule,
                        row.seconds(),
                        row.heapBytes() / 1e6);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return new Result(
                n,
                global.length,
                train.size() / n,
                generateSeconds,
                Runtime.getRuntime().maxMemory(),
                rows);
    }

    /**
     * Heap is what the aggregating thread allocates while it runs: every rule here is single-threaded and allocates its
     * buffers once, so this is an upper bound of the heap it needs at its peak, independent of when the collector runs.
     */
    private static Row measure(AggregationRule rule, FileUpdates updates) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        float[] aggregate = rule.aggregate(updates);
        double seconds = (System.nanoTime() - start) / 1e9;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        if (aggregate.length != updates.dimension()) {
            throw new IllegalStateException(rule + " returned " + aggregate.length + " coordinates");
        }
        return new Row(rule.toString(), seconds, allocated);
    }
}
