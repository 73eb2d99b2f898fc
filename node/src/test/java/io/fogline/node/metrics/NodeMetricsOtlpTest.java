package io.fogline.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The node's metrics pushed over OTLP/HTTP to a receiver that decodes them as an OTLP collector would. */
class NodeMetricsOtlpTest {

    @Test
    void metricsArriveAsOtlpProtobufWhenAnEndpointIsSet() throws IOException {
        List<String> names = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/metrics", exchange -> {
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes());
            request.getResourceMetricsList().forEach(resource -> resource.getScopeMetricsList()
                    .forEach(scope -> scope.getMetricsList().forEach(metric -> names.add(metric.getName()))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        URI endpoint = URI.create("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics");
        try (NodeMetrics metrics = new NodeMetrics(endpoint, Duration.ofSeconds(1))) {
            metrics.requestFailed("clf", "1", "invalid");

            await().atMost(Duration.ofSeconds(30)).until(() -> names.contains("fogline.inference.request.failure"));

            assertThat(names).contains("process.resident.memory");
        } finally {
            collector.stop(0);
        }
    }
}
