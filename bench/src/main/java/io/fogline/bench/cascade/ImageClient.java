package io.fogline.bench.cascade;

import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.InferenceResponse;
import io.fogline.core.tensor.Tensor;
import io.fogline.learn.data.Dataset;
import io.fogline.routing.RoutingParameters;
import io.fogline.routing.score.ClassDistribution;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends test images to a model over HTTP, binary tensors both ways, from a few clients at once; times each request
 * from before it is sent to after its answer is decoded, and checks the predicted class against the label.
 */
final class ImageClient implements AutoCloseable {

    private final HttpClient http;
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private final Dataset images;
    private final int[] sample;
    private final byte[][] bodies;
    private final int[] headerLengths;

    ImageClient(Dataset images, int[] sample) {
        this.images = images;
        this.sample = sample;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(clients)
                .build();
        int features = images.featureCount();
        bodies = new byte[sample.length][];
        headerLengths = new int[sample.length];
        for (int i = 0; i < sample.length; i++) {
            float[] pixels = Arrays.copyOfRange(images.features(), sample[i] * features, (sample[i] + 1) * features);
            InferenceRequest request = new InferenceRequest(
                    null,
                    Map.of("binary_data_output", true),
                    List.of(Tensor.ofFloats("input", new long[] {1, features}, pixels)),
                    List.of());
            InferenceCodec.Encoded encoded = InferenceCodec.encodeRequest(request, true);
            bodies[i] = encoded.body();
            headerLengths[i] = encoded.headerLength();
        }
    }

    /** Sends every sampled image once to {@code baseUrl}'s {@code model}, {@code concurrency} at a time. */
    Measurement measure(String setup, double threshold, String baseUrl, String model, int concurrency)
            throws Exception {
        URI uri = URI.create(baseUrl + "/v2/models/" + model + "/infer");
        long[] nanos = new long[sample.length];
        boolean[] correct = new boolean[sample.length];
        boolean[] escalated = new boolean[sample.length];
        boolean[] degraded = new boolean[sample.length];
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new java.util.ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            workers.add(clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < sample.length; i = next.getAndIncrement()) {
                    long started = System.nanoTime();
                    InferenceResponse answer = send(uri, i);
                    nanos[i] = System.nanoTime() - started;
                    float[] scores = answer.outputs().getFirst().toFloats();
                    correct[i] = ClassDistribution.of(scores, 0, scores.length, false)
                                    .topClass()
                            == images.labels()[sample[i]];
                    Object tier = answer.parameters().get(RoutingParameters.TIER);
                    escalated[i] = tier != null && !RoutingParameters.LOCAL.equals(tier);
                    degraded[i] = Boolean.TRUE.equals(answer.parameters().get(RoutingParameters.DEGRADED));
                }
                return null;
            }));
        }
        for (Future<Void> worker : workers) {
            worker.get();
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Measurement(
                setup,
                threshold,
                sample.length,
                share(correct),
                share(escalated),
                (int) Math.round(share(degraded) * sample.length),
                Arrays.stream(nanos).average().orElse(0) / 1e6,
                percentile(sorted, 0.50) / 1e6,
                percentile(sorted, 0.99) / 1e6);
    }

    /** Sends the first {@code count} images and forgets the answers: connections, JIT and sessions get warm. */
    void warmUp(String baseUrl, String model, int count) throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + "/v2/models/" + model + "/infer");
        for (int i = 0; i < Math.min(count, sample.length); i++) {
            send(uri, i);
        }
    }

    private InferenceResponse send(URI uri, int index) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", InferenceCodec.BINARY_CONTENT_TYPE)
                        .header(InferenceCodec.HEADER_LENGTH, Integer.toString(headerLengths[index]))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[index]))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = response.body();
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + uri + ": " + new String(body));
        }
        int headerLength = response.headers()
                .firstValue(InferenceCodec.HEADER_LENGTH)
                .map(Integer::parseInt)
                .orElse(-1);
        return InferenceCodec.decodeResponse(body, body.length, headerLength);
    }

    private static double share(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return (double) count / flags.length;
    }

    private static double percentile(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    @Override
    public void close() {
        http.close();
        clients.close();
    }
}
