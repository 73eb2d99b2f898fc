package io.fogline.node.telemetry;

import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.routing.RoutingParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Requests and answers of a small classifier, as the HTTP API hands them to its observers. */
final class Traffic {

    static final String MODEL = "clf";
    static final String VERSION = "1";

    private Traffic() {}

    /** A repository whose version 1 of {@link #MODEL} carries reference-stats.json with bins over [0, 1]. */
    static Path repositoryWithReference(Path root) throws IOException {
        Path version = Files.createDirectories(root.resolve(MODEL).resolve(VERSION));
        Files.writeString(version.resolve(ReferenceBins.FILE_NAME), """
                {"samples": 4,
                 "inputs": {"x": {"datatype": "FP32", "count": 16, "mean": 0.5, "std": 0.3, "min": 0.0, "max": 1.0,
                            "histogram": {"edges": [0.0, 0.25, 0.5, 0.75, 1.0], "counts": [4, 4, 4, 4]}}},
                 "outputs": {"probabilities": {"datatype": "FP32", "count": 12, "mean": 0.33, "std": 0.3,
                            "min": 0.0, "max": 1.0,
                            "histogram": {"edges": [0.0, 0.5, 1.0], "counts": [8, 4]}}}}
                """);
        return root;
    }

    static InferenceRequest request(float... x) {
        return InferenceRequest.of(Tensor.ofFloats("x", new long[] {1, x.length}, x));
    }

    static InferenceResponse answer(String tier, String escalation, String cache, float... probabilities) {
        return new InferenceResponse(
                MODEL,
                VERSION,
                null,
                Map.of(
                        RoutingParameters.TIER, tier,
                        RoutingParameters.ESCALATION, escalation,
                        RoutingParameters.CACHE, cache),
                List.of(Tensor.ofFloats("probabilities", new long[] {1, probabilities.length}, probabilities)));
    }

    static InferenceResponse local(float... probabilities) {
        return answer(RoutingParameters.LOCAL, "none", RoutingParameters.CACHE_MISS, probabilities);
    }
}
