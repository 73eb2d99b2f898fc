package io.fogline.optimize.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.fogline.optimize.MiniLm;
import io.fogline.optimize.quantize.QuantizationOptions;
import io.fogline.optimize.quantize.QuantizationResult;
import io.fogline.optimize.quantize.Quantizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** all-MiniLM-L6-v2: ours is no larger than the published INT8 twin and its embeddings stay at cosine ≥ 0.99. */
class MiniLmQuantizationTest {

    @TempDir
    Path directory;

    @Test
    void dynamicInt8IsAsSmallAsThePublishedTwinAndKeepsTheEmbeddings() throws IOException, OrtException {
        Path fp32 = MiniLm.extract(MiniLm.FP32, directory);
        Path twin = MiniLm.extract(MiniLm.INT8_TWIN, directory);
        Path ours = directory.resolve("ours.onnx");

        QuantizationResult result = Quantizer.quantize(fp32, ours, QuantizationOptions.dynamic());
        QuantizationReport report = QuantizationReporter.measure(
                fp32, ours, "dynamic", result.outcomes(), MiniLm.sentences(60), new LatencySettings(1, 3, 20));

        assertThat(Files.size(ours)).isLessThanOrEqualTo(Files.size(twin));
        assertThat(result.quantized()).hasSize(36 + 3);
        assertThat(result.leftFp32()).isEmpty();
        Quality.Similarity similarity = (Quality.Similarity) report.quality();
        assertThat(similarity.meanCosine()).isGreaterThanOrEqualTo(0.99);
        assertThat(similarity.minCosine()).isGreaterThanOrEqualTo(0.97);
        assertThat(report.toJson()).contains("\"metric\" : \"cosine_similarity_to_fp32\"");
    }
}
