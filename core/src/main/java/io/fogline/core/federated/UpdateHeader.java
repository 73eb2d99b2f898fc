package io.fogline.core.federated;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of an update body before its delta: enough to refuse an update for the wrong round, the wrong model or with
 * an implausible example count before reading, or allocating for, the delta itself.
 *
 * @param encoding how the delta travels; for top-k, the fraction is the kept count over the dimension
 * @param dimension the number of coordinates the delta has once decoded
 * @param payloadOffset where the delta's encoding begins in the body (for INT8 and top-k, at its block size or count)
 */
public record UpdateHeader(
        String job,
        int round,
        long exampleCount,
        Map<String, Double> metrics,
        UpdateEncoding encoding,
        int dimension,
        int payloadOffset) {

    public UpdateHeader {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
}
