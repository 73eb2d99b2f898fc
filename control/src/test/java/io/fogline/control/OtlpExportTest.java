package io.fogline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fogline.control.monitor.MonitorOptions;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane's metrics pushed over OTLP/HTTP to a receiver that reads them as an OTLP collector would. */
class OtlpExportTest {

    @TempDir
    Path dir;

    @Test
    void metricsArriveAsOtlpProtobufWhenAnEndpointIsSet() throws IOException {
        List<ExportMetricsServiceRequest> received = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/metrics", exchange -> {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            received.add(ExportMetricsServiceRequest.parseFrom(
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (ControlHarness harness = new ControlHarness(TestStore.SQLITE, dir)) {
            harness.restart(MonitorOptions.defaults()
                    .withOtlpEndpoint(URI.create(
                            "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics"))
                    .withOtlpStep(Duration.ofSeconds(1)));
            SimulatedDevice camera = harness.enrol("cam-1", "cameras", Map.of());
            camera.poll();

            await().atMost(Duration.ofSeconds(30)).until(() -> polls(received) >= 1);

            assertThat(contentTypes).contains("application/x-protobuf");
            assertThat(received.getLast().getResourceMetrics(0).getResource().getAttributesList())
                    .anyMatch(attribute -> attribute.getKey().equals("service.name")
                            && attribute.getValue().getStringValue().equals("fogline-control"));
        } finally {
            collector.stop(0);
        }
    }

    /** The poll count in the latest export that carries it. */
    private static double polls(List<ExportMetricsServiceRequest> received) {
        double polls = 0;
        for (ExportMetricsServiceRequest request : received) {
            for (var resource : request.getResourceMetricsList()) {
                for (var scope : resource.getScopeMetricsList()) {
                    for (Metric metric : scope.getMetricsList()) {
                        if (metric.getName().equals("fogline.control.polls")) {
                            polls = metric.getSum().getDataPoints(0).getAsDouble();
                        }
                    }
                }
            }
        }
        return polls;
    }
}
