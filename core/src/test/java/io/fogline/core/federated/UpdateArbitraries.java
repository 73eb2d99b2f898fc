package io.fogline.core.federated;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Updates of every shape the codec must carry: odd dimensions, zeros, ties, huge and tiny magnitudes. */
final class UpdateArbitraries {

    private UpdateArbitraries() {}

    static Arbitrary<ModelUpdate> updates() {
        Arbitrary<String> job =
                Arbitraries.strings().withChars("abcXYZ019._-").ofMinLength(1).ofMaxLength(UpdateCodec.MAX_JOB_LENGTH);
        Arbitrary<Map<String, Double>> metrics = Arbitraries.maps(
                        Arbitraries.strings()
                                .withChars("abz09_")
                                .ofMinLength(1)
                                .ofMaxLength(UpdateCodec.MAX_METRIC_NAME),
                        Arbitraries.doubles().between(-1e9, 1e9))
                .ofMaxSize(UpdateCodec.MAX_METRICS)
                .map(LinkedHashMap::new);
        return Combinators.combine(
                        job,
                        Arbitraries.integers().between(1, Integer.MAX_VALUE),
                        Arbitraries.longs().between(0, Long.MAX_VALUE),
                        metrics,
                        deltas())
                .as(ModelUpdate::new);
    }

    static Arbitrary<float[]> deltas() {
        Arbitrary<Float> coordinate = Arbitraries.oneOf(
                Arbitraries.floats().between(-1, 1),
                Arbitraries.floats().between(-1e30f, 1e30f),
                Arbitraries.of(0f, -0f, 1e-38f, 0.5f, -0.5f, Float.MIN_VALUE));
        return coordinate.array(float[].class).ofMinSize(1).ofMaxSize(700);
    }

    static Arbitrary<UpdateEncoding> encodings() {
        return Arbitraries.oneOf(
                Arbitraries.just(UpdateEncoding.fp32()),
                Arbitraries.integers().between(1, 300).map(UpdateEncoding.Int8::new),
                Arbitraries.of(List.of(0.001, 0.01, 0.1, 0.5, 1.0)).map(UpdateEncoding.TopK::new));
    }
}
