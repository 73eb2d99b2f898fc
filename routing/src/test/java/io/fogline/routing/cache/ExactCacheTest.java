package io.fogline.routing.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.protocol.RequestedOutput;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.upstream.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExactCacheTest {

    private final ManualClock clock = new ManualClock();

    private static InferenceRequest request(float... values) {
        return InferenceRequest.of(Tensor.ofFloats("x", new long[] {1, values.length}, values));
    }

    private static InferenceResponse answer(int floats) {
        return new InferenceResponse(
                "m", "1", null, Map.of(), List.of(Tensor.ofFloats("y", new long[] {1, floats}, new float[floats])));
    }

    private static ExactCache.Key key(InferenceRequest request) {
        return ExactCache.Key.of("m", null, request);
    }

    @Test
    void answersTheSameRequestAndMissesAnyOther() {
        ExactCache cache = new ExactCache(1 << 20, Duration.ofMinutes(1), clock);
        InferenceResponse stored = answer(4);
        cache.put(key(request(1, 2, 3)), stored);

        assertThat(cache.get(key(request(1, 2, 3)))).isSameAs(stored);
        assertThat(cache.get(key(request(1, 2, 4)))).as("other bytes").isNull();
        assertThat(cache.get(ExactCache.Key.of("m", "2", request(1, 2, 3))))
                .as("other version")
                .isNull();
        assertThat(cache.get(ExactCache.Key.of("n", null, request(1, 2, 3))))
                .as("other model")
                .isNull();
        InferenceRequest otherShape = InferenceRequest.of(Tensor.ofFloats("x", new long[] {3, 1}, 1, 2, 3));
        assertThat(cache.get(key(otherShape))).as("same bytes, other shape").isNull();
        InferenceRequest otherOutputs = new InferenceRequest(
                null, Map.of(), request(1, 2, 3).inputs(), List.of(new RequestedOutput("y", null, 2)));
        assertThat(cache.get(key(otherOutputs))).as("other requested outputs").isNull();
    }

    @Test
    void inputOrderAndClientParametersDoNotMatter() {
        Tensor a = Tensor.ofFloats("a", new long[] {1}, 1);
        Tensor b = Tensor.ofFloats("b", new long[] {1}, 2);
        InferenceRequest ab = new InferenceRequest("1", Map.of(), List.of(a, b), List.of());
        InferenceRequest ba = new InferenceRequest("2", Map.of("binary_data_output", true), List.of(b, a), List.of());

        assertThat(key(ab)).isEqualTo(key(ba));
    }

    @Test
    void anEntryExpiresAfterItsTimeToLive() {
        ExactCache cache = new ExactCache(1 << 20, Duration.ofSeconds(30), clock);
        cache.put(key(request(1)), answer(1));

        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.get(key(request(1)))).isNotNull();
        clock.advance(Duration.ofSeconds(1));

        assertThat(cache.get(key(request(1)))).isNull();
        assertThat(cache.size()).isZero();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void evictsTheLeastRecentlyUsedEntryToStayWithinItsBytes() {
        long entryBytes = sizeOfOneEntry();
        ExactCache cache = new ExactCache(3 * entryBytes, Duration.ofMinutes(1), clock);
        cache.put(key(request(1)), answer(100));
        cache.put(key(request(2)), answer(100));
        cache.put(key(request(3)), answer(100));
        cache.get(key(request(1)));

        cache.put(key(request(4)), answer(100));

        assertThat(cache.get(key(request(2)))).as("least recently used").isNull();
        assertThat(cache.get(key(request(1)))).isNotNull();
        assertThat(cache.get(key(request(3)))).isNotNull();
        assertThat(cache.get(key(request(4)))).isNotNull();
        assertThat(cache.bytes()).isEqualTo(3 * entryBytes);
    }

    @Test
    void keepsNoAnswerLargerThanTheWholeCache() {
        ExactCache cache = new ExactCache(1000, Duration.ofMinutes(1), clock);
        cache.put(key(request(1)), answer(10));

        cache.put(key(request(2)), answer(1000));

        assertThat(cache.get(key(request(2)))).isNull();
        assertThat(cache.get(key(request(1)))).as("nothing evicted for it").isNotNull();
    }

    @Test
    void replacingAnEntryCountsItsBytesOnce() {
        ExactCache cache = new ExactCache(1 << 20, Duration.ofMinutes(1), clock);
        cache.put(key(request(1)), answer(100));
        long once = cache.bytes();

        cache.put(key(request(1)), answer(100));

        assertThat(cache.bytes()).isEqualTo(once);
        assertThat(cache.size()).isEqualTo(1);
    }

    private long sizeOfOneEntry() {
        ExactCache probe = new ExactCache(1 << 20, Duration.ofMinutes(1), clock);
        probe.put(key(request(9)), answer(100));
        return probe.bytes();
    }
}
