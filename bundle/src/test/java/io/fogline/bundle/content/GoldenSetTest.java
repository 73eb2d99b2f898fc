package io.fogline.bundle.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoldenSetTest {

    private static InferenceResponse response(Tensor... outputs) {
        return new InferenceResponse("m", "1", null, Map.of(), List.of(outputs));
    }

    private final GoldenCase golden = new GoldenCase(
            InferenceRequest.of(Tensor.ofFloats("input", new long[] {1, 4}, 0f, 0.5f, 1f, 1f)),
            response(
                    Tensor.ofFloats("probabilities", new long[] {1, 2}, 0.75f, 0.25f),
                    Tensor.ofLongs("label", new long[] {1}, 0L)));

    @Test
    void writesAndReadsBackTheSameCases() {
        GoldenSet set = new GoldenSet(new Tolerance(0.01, 0.0), List.of(golden));

        GoldenSet read = GoldenSet.parse(set.toJson());

        assertThat(read.tolerance()).isEqualTo(new Tolerance(0.01, 0.0));
        assertThat(read.cases()).hasSize(1);
        assertThat(read.cases().get(0).request().inputs())
                .isEqualTo(golden.request().inputs());
        assertThat(read.cases().get(0).expected().outputs())
                .isEqualTo(golden.expected().outputs());
    }

    @Test
    void acceptsOutputsWithinToleranceAndNamesTheFirstElementOutsideIt() {
        Tolerance tolerance = new Tolerance(0.01, 0.0);
        InferenceResponse close = response(
                Tensor.ofFloats("probabilities", new long[] {1, 2}, 0.755f, 0.245f),
                Tensor.ofLongs("label", new long[] {1}, 0L));
        InferenceResponse far = response(
                Tensor.ofFloats("probabilities", new long[] {1, 2}, 0.75f, 0.5f),
                Tensor.ofLongs("label", new long[] {1}, 0L));

        assertThat(golden.mismatch(close, tolerance)).isEmpty();
        assertThat(golden.mismatch(far, tolerance))
                .contains("output 'probabilities' element 1 is 0.5, expected 0.25 within 0.01 + 0.0·|e|");
    }

    @Test
    void integerOutputsMustBeEqualAndShapesMustAgree() {
        Tolerance loose = new Tolerance(10, 10);
        InferenceResponse otherLabel = response(
                Tensor.ofFloats("probabilities", new long[] {1, 2}, 0.75f, 0.25f),
                Tensor.ofLongs("label", new long[] {1}, 1L));
        InferenceResponse otherShape = response(Tensor.ofFloats("probabilities", new long[] {2}, 0.75f, 0.25f));

        assertThat(golden.mismatch(otherLabel, loose)).contains("output 'label' element 0 is 1.0, expected 0.0");
        assertThat(golden.mismatch(otherShape, loose))
                .contains("output 'probabilities' is FP32[2], expected FP32[1, 2]");
    }

    @Test
    void refusesAGoldenFileWithoutCases() {
        assertThatThrownBy(() -> GoldenSet.parse("{\"tolerance\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("golden.json has no 'cases' array");
    }

    @Test
    void referenceStatsSummarizeEveryInputAndOutput() throws Exception {
        JsonNode stats = new ObjectMapper().readTree(ReferenceStats.of(List.of(golden, golden)));

        JsonNode input = stats.path("inputs").path("input");
        assertThat(stats.path("samples").asInt()).isEqualTo(2);
        assertThat(input.path("count").asLong()).isEqualTo(8);
        assertThat(input.path("mean").asDouble()).isEqualTo(0.625);
        assertThat(input.path("min").asDouble()).isEqualTo(0.0);
        assertThat(input.path("max").asDouble()).isEqualTo(1.0);
        assertThat(input.path("histogram").path("counts").toString()).isEqualTo("[2,0,0,0,0,2,0,0,0,4]");
        assertThat(input.path("histogram").path("edges")).hasSize(11);
        assertThat(stats.path("outputs")
                        .path("label")
                        .path("histogram")
                        .path("counts")
                        .toString())
                .isEqualTo("[2]");
    }

    private static GoldenCase labelled(Object labels, float... scores) {
        String key = labels instanceof List<?> ? ReferenceStats.LABELS : ReferenceStats.LABEL;
        return new GoldenCase(
                new InferenceRequest(
                        null,
                        Map.of(key, labels),
                        List.of(Tensor.ofFloats(
                                "input", new long[] {scores.length / 2, 1}, new float[scores.length / 2])),
                        List.of()),
                response(Tensor.ofFloats("probabilities", new long[] {scores.length / 2, 2}, scores)));
    }

    @Test
    void labelledReferenceInputsGiveTheReferenceAccuracy() throws Exception {
        JsonNode stats = new ObjectMapper()
                .readTree(ReferenceStats.of(List.of(
                        labelled(0L, 0.9f, 0.1f),
                        labelled(List.of(1L, 1L, 0L), 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f),
                        golden)));

        assertThat(stats.path("labelled").asLong()).isEqualTo(4);
        assertThat(stats.path("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(new ObjectMapper()
                        .readTree(ReferenceStats.of(List.of(golden)))
                        .has("accuracy"))
                .isFalse();
        assertThatThrownBy(() -> ReferenceStats.of(List.of(labelled(2L, 0.9f, 0.1f))))
                .hasMessage("a reference input's label must be a class index from 0 to 1, got 2");
    }
}
