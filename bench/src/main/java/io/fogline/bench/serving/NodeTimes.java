package io.fogline.bench.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Where a request's time went inside the node, by the node's own statistics ({@code GET /v2/models/{m}/stats}), as
 * means per request over a window: the time from the model manager taking the request to its answer, the part of it
 * spent queued for a batcher worker, and the batch's compute phases. What the client waited beyond {@code request}
 * went to HTTP, the codec and the hops between event loop and worker.
 *
 * @param rowsPerBatch rows per batch run: 1 when nothing was batched, as every benchmark request carries one row
 */
record NodeTimes(
        double requestMicros,
        double queueMicros,
        double inputMicros,
        double inferMicros,
        double outputMicros,
        double rowsPerBatch) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The counters of one model at one moment; subtract two to get a window's figures. */
    record Counters(JsonNode stats) {

        static Counters read(InetSocketAddress node, String model) throws IOException {
            try (HttpExchange exchange =
                    new HttpExchange(node, HttpExchange.get(node, "/v2/models/" + model + "/stats"))) {
                exchange.exchange();
                return new Counters(JSON.readTree(exchange.lastResponse().body())
                        .path("model_stats")
                        .path(0));
            }
        }

        NodeTimes since(Counters before) {
            double requests =
                    stats.path("inference_stats").path("success").path("count").asDouble()
                            - before.stats
                                    .path("inference_stats")
                                    .path("success")
                                    .path("count")
                                    .asDouble();
            double rows = difference(before, "inference_count");
            double batches = difference(before, "execution_count");
            return new NodeTimes(
                    perRequest(before, "success", requests),
                    perRequest(before, "queue", requests),
                    perRequest(before, "compute_input", requests),
                    perRequest(before, "compute_infer", requests),
                    perRequest(before, "compute_output", requests),
                    batches == 0 ? 0 : rows / batches);
        }

        private double perRequest(Counters before, String phase, double requests) {
            double nanos = stats.path("inference_stats").path(phase).path("ns").asDouble()
                    - before.stats
                            .path("inference_stats")
                            .path(phase)
                            .path("ns")
                            .asDouble();
            return requests == 0 ? 0 : nanos / requests / 1_000;
        }

        private double difference(Counters before, String field) {
            return stats.path(field).asDouble() - before.stats.path(field).asDouble();
        }
    }

    /** The figure-by-figure median of several windows. */
    static NodeTimes median(List<NodeTimes> windows) {
        return new NodeTimes(
                median(windows, NodeTimes::requestMicros),
                median(windows, NodeTimes::queueMicros),
                median(windows, NodeTimes::inputMicros),
                median(windows, NodeTimes::inferMicros),
                median(windows, NodeTimes::outputMicros),
                median(windows, NodeTimes::rowsPerBatch));
    }

    private static double median(List<NodeTimes> windows, ToDoubleFunction<NodeTimes> figure) {
        double[] values = windows.stream().mapToDouble(figure).sorted().toArray();
        return values[(values.length - 1) / 2];
    }
}
