package io.fogline.bench.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thousands of virtual devices in one process, each on its own virtual thread: enrolled with one token, then polling
 * at the interval the control plane gives them with ±20% jitter (the first poll at a random point of the first
 * interval, so the fleet does not poll in step).
 */
final class SimulatedFleet implements AutoCloseable {

    /**
     * Enrolments in flight at once: a control plane takes at most 8 requests without a credential at a time from one
     * client address (its default), and the simulator is one address; at 8 the server, which counts a request until
     * its answer is sent, still refused some that came as soon as the answer before them arrived.
     */
    private static final int ENROL_CONCURRENCY = 4;

    private static final int FIRST_INTERVAL_SECONDS = 5;

    private final List<DeviceProtocol> replicas;
    private final FleetStats stats;
    private final Duration telemetryEvery;
    private final List<VirtualDevice> devices = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running = true;

    /**
     * @param replicas the control plane's replicas; device {@code i} reaches replica {@code i mod n}, as a load
     *     balancer holding connections would spread them
     * @param telemetryEvery how often each device uploads a telemetry window; zero for never
     */
    SimulatedFleet(List<DeviceProtocol> replicas, FleetStats stats, Duration telemetryEvery) {
        this.replicas = List.copyOf(replicas);
        this.stats = stats;
        this.telemetryEvery = telemetryEvery;
    }

    private DeviceProtocol replicaOf(int device) {
        return replicas.get(device % replicas.size());
    }

    /** Enrols {@code count} devices named {@code prefix-00001}…, a few at a time, printing progress. */
    void enrol(String token, String prefix, int count, Map<String, String> labels, PrintStream out)
            throws IOException, InterruptedException {
        Semaphore slots = new Semaphore(ENROL_CONCURRENCY);
        AtomicInteger done = new AtomicInteger();
        List<Future<VirtualDevice>> enrolled = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 1; i <= count; i++) {
            String id = String.format("%s-%05d", prefix, i);
            DeviceProtocol protocol = replicaOf(i - 1);
            slots.acquire();
            enrolled.add(threads.submit(() -> {
                try {
                    VirtualDevice device = new VirtualDevice(id, protocol.enrol(token, id, labels));
                    int finished = done.incrementAndGet();
                    if (finished % 1000 == 0) {
                        out.printf("  enrolled %,d of %,d%n", finished, count);
                    }
                    return device;
                } finally {
                    slots.release();
                }
            }));
        }
        for (Future<VirtualDevice> device : enrolled) {
            try {
                devices.add(device.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("enrolment failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        out.printf("  enrolled %,d devices in %.1f s%n", devices.size(), (System.nanoTime() - started) / 1e9);
    }

    /** Starts every device polling, the first polls spread evenly over {@code spread}. */
    void start(Duration spread) {
        for (int i = 0; i < devices.size(); i++) {
            VirtualDevice device = devices.get(i);
            DeviceProtocol protocol = replicaOf(i);
            threads.submit(() -> live(device, protocol, spread));
        }
    }

    private void live(VirtualDevice device, DeviceProtocol protocol, Duration spread) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long sleep = (long) (spread.toMillis() * random.nextDouble());
        while (running) {
            try {
                TimeUnit.MILLISECONDS.sleep(sleep);
                device.poll(protocol, stats);
                if (!telemetryEvery.isZero()) {
                    device.uploadTelemetry(protocol, stats, telemetryEvery);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                stats.failed();
            }
            long interval = device.pollIntervalSeconds() > 0 ? device.pollIntervalSeconds() : FIRST_INTERVAL_SECONDS;
            sleep = (long) (interval * 1000 * random.nextDouble(0.8, 1.2));
        }
    }

    int size() {
        return devices.size();
    }

    /** How many devices run {@code model} at {@code version}. */
    int running(String model, int version) {
        int count = 0;
        for (VirtualDevice device : devices) {
            if (device.runs(model, version)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() {
        running = false;
        threads.shutdownNow();
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
