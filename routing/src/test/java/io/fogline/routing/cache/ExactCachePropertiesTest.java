package io.fogline.routing.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.upstream.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The lock-free cache against the contract it keeps: from one thread, exactly a least-recently-used map capped in
 * bytes with a time to live; from many, never a wrong answer and never more than the cap once they stop.
 */
class ExactCachePropertiesTest {

    private static final Duration TTL = Duration.ofSeconds(60);

    sealed interface Step {}

    record Put(int key, int floats) implements Step {}

    record Get(int key) implements Step {}

    record Wait(long seconds) implements Step {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 11).flatMap(key -> Arbitraries.integers()
                        .between(1, 300)
                        .map(floats -> new Put(key, floats)))),
                net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 11).map(Get::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 40).map(Wait::new)));
        return step.list().ofMaxSize(400);
    }

    @Property(tries = 300)
    void fromOneThreadItIsExactlyALeastRecentlyUsedMapCappedInBytesWithATimeToLive(
            @ForAll("steps") List<Step> steps, @ForAll @IntRange(min = 400, max = 6000) int maxBytes) {
        ManualClock clock = new ManualClock();
        ExactCache cache = new ExactCache(maxBytes, TTL, clock);
        Reference reference = new Reference(maxBytes);
        for (Step step : steps) {
            switch (step) {
                case Put put -> {
                    InferenceResponse answer = answer(put.key(), put.floats());
                    ExactCache.Key key = key(put.key());
                    cache.put(key, answer);
                    reference.put(key, answer, clock.getAsLong());
                }
                case Get get -> {
                    ExactCache.Key key = key(get.key());
                    assertThat(cache.get(key)).isSameAs(reference.get(key, clock.getAsLong()));
                }
                case Wait wait -> clock.advance(Duration.ofSeconds(wait.seconds()));
            }
            assertThat(cache.bytes()).isEqualTo(reference.bytes);
            assertThat(cache.size()).isEqualTo(reference.entries.size());
        }
    }

    @Test
    void manyThreadsNeverGetAnotherKeysAnswerAndTheCapHoldsOnceTheyStop() throws Exception {
        long maxBytes = 40_000;
        ExactCache cache = new ExactCache(maxBytes, TTL, System::nanoTime);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 50_000; i++) {
                    int id = random.nextInt(200);
                    InferenceResponse hit = cache.get(key(id));
                    if (hit == null) {
                        cache.put(key(id), answer(id, 1 + id % 50));
                    } else if (!hit.id().equals(Integer.toString(id))) {
                        wrong.add(id + " answered with " + hit.id());
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(wrong).isEmpty();
        assertThat(cache.bytes()).isPositive().isLessThanOrEqualTo(maxBytes);
        assertThat(cache.size()).isPositive();
    }

    private static ExactCache.Key key(int id) {
        return ExactCache.Key.of("m", null, InferenceRequest.of(Tensor.ofFloats("x", new long[] {1}, id)));
    }

    private static InferenceResponse answer(int id, int floats) {
        return new InferenceResponse(
                "m",
                "1",
                Integer.toString(id),
                Map.of(),
                List.of(Tensor.ofFloats("y", new long[] {1, floats}, new float[floats])));
    }

    /** The contract, written the plain way: an access-ordered map under one lock. */
    private static final class Reference {
        private record Entry(InferenceResponse response, long storedAt, long bytes) {}

        final long maxBytes;
        final LinkedHashMap<ExactCache.Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
        long bytes;

        Reference(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        InferenceResponse get(ExactCache.Key key, long now) {
            Entry entry = entries.get(key);
            if (entry == null) {
                return null;
            }
            if (now - entry.storedAt() >= TTL.toNanos()) {
                bytes -= entries.remove(key).bytes();
                return null;
            }
            return entry.response();
        }

        void put(ExactCache.Key key, InferenceResponse response, long now) {
            long size = key.size() + 160L;
            for (Tensor output : response.outputs()) {
                size += output.byteSize() + output.name().length() + 8L * output.rank();
            }
            if (size > maxBytes) {
                return;
            }
            Entry previous = entries.remove(key);
            if (previous != null) {
                bytes -= previous.bytes();
            }
            entries.put(key, new Entry(response, now, size));
            bytes += size;
            Iterator<Entry> eldest = entries.values().iterator();
            while (bytes > maxBytes) {
                bytes -= eldest.next().bytes();
                eldest.remove();
            }
        }
    }
}
