package io.fogline.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.core.protocol.InferenceCodec;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MalformedRequestsTest {

    @TempDir
    Path repository;

    @Test
    void aThousandMalformedRequestsLeaveTheNodeServing() throws Exception {
        TinyModels.mlp(new TestRepository(repository).modelFile("mlp", 1), 4, 8, 3, 3);
        InferenceRequest valid =
                InferenceRequest.of(Tensor.ofFloats("input", new long[] {2, 4}, 1, 2, 3, 4, 5, 6, 7, 8));
        InferenceCodec.Encoded json = InferenceCodec.encodeRequest(valid, false);
        InferenceCodec.Encoded binary = InferenceCodec.encodeRequest(valid, true);
        List<byte[]> templates = List.of(
                json.body(),
                binary.body(),
                "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [2, 4], \"data\": [[1,2,3,4],[5,6,7,8]]}]}"
                        .getBytes(StandardCharsets.UTF_8));
        SplittableRandom random = new SplittableRandom(1234);
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (FoglineNode node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withMaxRequestBytes(16 * 1024))) {
            NodeClient client = new NodeClient(node.port());
            for (int i = 0; i < 1000; i++) {
                int choice = random.nextInt(templates.size());
                byte[] body = corrupt(templates.get(choice), random);
                int headerLength = choice == 1 ? mangledHeaderLength(binary.headerLength(), random) : -1;
                NodeClient.Reply reply = client.post("/v2/models/mlp/infer", body, headerLength);
                statuses.merge(reply.status(), 1, Integer::sum);
                if (reply.status() != 200) {
                    assertThat(reply.text())
                            .as("body %s", Arrays.toString(body))
                            .startsWith("{\"error\":\"");
                }
            }
            assertThat(statuses.keySet())
                    .as("statuses %s", statuses)
                    .allMatch(status -> status == 200 || status == 400 || status == 413);
            assertThat(statuses.get(400)).as("most corruptions are refused").isGreaterThan(500);
            NodeClient.Reply healthy = client.post("/v2/models/mlp/infer", json.body(), -1);
            assertThat(healthy.status()).isEqualTo(200);
            assertThat(client.get("/v2/health/ready").status()).isEqualTo(200);
        }
    }

    /** One of: a truncation, flipped bytes, random garbage, a duplicated tail, or an oversized body. */
    private static byte[] corrupt(byte[] template, SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> Arrays.copyOf(template, random.nextInt(template.length));
            case 1 -> {
                byte[] flipped = template.clone();
                for (int i = 0, flips = 1 + random.nextInt(4); i < flips; i++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                yield flipped;
            }
            case 2 -> {
                byte[] garbage = new byte[random.nextInt(1, 300)];
                random.nextBytes(garbage);
                yield garbage;
            }
            case 3 -> {
                int cut = random.nextInt(template.length);
                byte[] doubled = Arrays.copyOf(template, template.length + template.length - cut);
                System.arraycopy(template, cut, doubled, template.length, template.length - cut);
                yield doubled;
            }
            default -> new byte[20 * 1024];
        };
    }

    private static int mangledHeaderLength(int headerLength, SplittableRandom random) {
        return random.nextBoolean() ? headerLength : random.nextInt(-5, headerLength * 2);
    }
}
