package io.fogline.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.fogline.node.FoglineNode;
import io.fogline.node.NodeClient;
import io.fogline.node.NodeOptions;
import io.fogline.node.grpc.kserve.GRPCInferenceServiceGrpc;
import io.fogline.node.grpc.kserve.GrpcPredictV2.InferParameter;
import io.fogline.node.grpc.kserve.GrpcPredictV2.InferTensorContents;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ModelInferRequest;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ModelInferResponse;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ModelMetadataRequest;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ModelMetadataResponse;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ModelReadyRequest;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ServerLiveRequest;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ServerMetadataRequest;
import io.fogline.node.grpc.kserve.GrpcPredictV2.ServerReadyRequest;
import io.fogline.node.grpc.proto.ModelConfigRequest;
import io.fogline.node.grpc.proto.ModelInstanceGroup;
import io.fogline.node.grpc.proto.ModelStatisticsRequest;
import io.fogline.node.grpc.proto.RepositoryIndexRequest;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gRPC API driven by a client generated from KServe's published proto, as KServe's and Triton's users call it. */
class GrpcInferenceServiceTest {

    @TempDir
    static Path repository;

    static FoglineNode node;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve;

    @BeforeAll
    static void startNode() throws IOException {
        TestRepository models = new TestRepository(repository);
        TinyModels.mlp(models.modelFile("mlp", 1), 4, 8, 3, 7);
        TinyModels.add(models.modelFile("add", 1));
        TinyModels.add(models.modelFile("add", 2));
        models.config("add", "{\"version_policy\": {\"all\": true}}");
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withGrpcPort(0)
                .withMaxRequestBytes(64 * 1024));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort())
                .usePlaintext()
                .build();
        kserve = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopNode() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.close();
    }

    private static ModelInferRequest.InferInputTensor.Builder input(String name, String datatype, long... shape) {
        ModelInferRequest.InferInputTensor.Builder input =
                ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
        for (long dim : shape) {
            input.addShape(dim);
        }
        return input;
    }

    private static InferTensorContents floats(float... values) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        for (float value : values) {
            contents.addFp32Contents(value);
        }
        return contents.build();
    }

    private static ByteString raw(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            buffer.putFloat(value);
        }
        return ByteString.copyFrom(buffer.flip());
    }

    private static float[] floatsOf(ByteString raw) {
        ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return values;
    }

    @Test
    void theServerIsLiveReadyAndNamesItsExtensions() {
        assertThat(kserve.serverLive(ServerLiveRequest.getDefaultInstance()).getLive())
                .isTrue();
        assertThat(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
                .isTrue();
        assertThat(kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance()))
                .satisfies(metadata -> {
                    assertThat(metadata.getName()).isEqualTo("fogline");
                    assertThat(metadata.getExtensionsList()).contains("model_repository", "statistics");
                });
        assertThat(kserve.modelReady(ModelReadyRequest.newBuilder()
                                .setName("add")
                                .setVersion("1")
                                .build())
                        .getReady())
                .isTrue();
    }

    @Test
    void theStandardHealthCheckServesWhenEveryModelDoes() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder()
                                .setService("inference.GRPCInferenceService")
                                .build())
                        .getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThatThrownBy(() -> health.check(
                        HealthCheckRequest.newBuilder().setService("other").build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void modelMetadataComesFromTheGraph() {
        ModelMetadataResponse metadata = kserve.modelMetadata(
                ModelMetadataRequest.newBuilder().setName("mlp").build());
        assertThat(metadata.getVersionsList()).containsExactly("1");
        assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(metadata.getInputs(0).getName()).isEqualTo("input");
        assertThat(metadata.getInputs(0).getDatatype()).isEqualTo("FP32");
        assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
    }

    @Test
    void typedContentsInRawOutputsBack() {
        ModelInferResponse response = kserve.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("add")
                .setId("req-7")
                .addInputs(input("a", "FP32", 2, 2).setContents(floats(1, 2, 3, 4)))
                .addInputs(input("b", "FP32", 2, 2).setContents(floats(10, 20, 30, 40)))
                .build());
        assertThat(response.getModelName()).isEqualTo("add");
        assertThat(response.getModelVersion()).isEqualTo("2");
        assertThat(response.getId()).isEqualTo("req-7");
        assertThat(response.getOutputs(0).getName()).isEqualTo("sum");
        assertThat(response.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
        assertThat(floatsOf(response.getRawOutputContents(0))).containsExactly(11, 22, 33, 44);
    }

    @Test
    void rawInputContentsAndTypedOutputsWhenAskedFor() {
        ModelInferResponse response = kserve.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("add")
                .setModelVersion("1")
                .addInputs(input("a", "FP32", 1, 3))
                .addInputs(input("b", "FP32", 1, 3))
                .addRawInputContents(raw(1, 2, 3))
                .addRawInputContents(raw(0.5f, 0.25f, 0.125f))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("sum")
                        .putParameters(
                                "binary_data",
                                InferParameter.newBuilder().setBoolParam(false).build()))
                .build());
        assertThat(response.getModelVersion()).isEqualTo("1");
        assertThat(response.getRawOutputContentsCount()).isZero();
        assertThat(response.getOutputs(0).getContents().getFp32ContentsList()).containsExactly(1.5f, 2.25f, 3.125f);
    }

    @Test
    void grpcAndHttpGiveTheSameAnswer() {
        float[] features = {0.5f, -1, 2, 0.25f};
        ModelInferResponse grpc = kserve.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(input("input", "FP32", 1, 4).setContents(floats(features)))
                .build());
        String http = new NodeClient(node.port())
                .post(
                        "/v2/models/mlp/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
                                + " \"data\": [0.5, -1, 2, 0.25]}]}")
                .text();
        float[] probabilities = floatsOf(grpc.getRawOutputContents(0));
        assertThat(probabilities).hasSize(3);
        for (float probability : probabilities) {
            assertThat(http).contains(Float.toString(probability));
        }
    }

    @Test
    void refusalsCarryTheStatusAndMessageOfHttp() {
        assertThatThrownBy(() -> kserve.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("nope")
                        .addInputs(input("a", "FP32", 1).setContents(floats(1)))
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("unknown model 'nope'");
                });
        assertThatThrownBy(() -> kserve.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("add")
                        .addInputs(input("a", "FP32", 2, 2).setContents(floats(1, 2, 3)))
                        .addInputs(input("b", "FP32", 2, 2).setContents(floats(1, 2, 3, 4)))
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("input 'a': shape [2,2] needs 4 elements, the contents have 3");
                });
        assertThatThrownBy(() -> kserve.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("add")
                        .addInputs(input("a", "FP32", 1, 3))
                        .addInputs(input("b", "FP32", 1, 3))
                        .addRawInputContents(raw(1, 2, 3))
                        .build()))
                .hasMessage("INVALID_ARGUMENT: raw_input_contents has 1 entries for 2 inputs; send one per input or"
                        + " none");
        assertThatThrownBy(() -> kserve.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("add")
                        .addInputs(input("a", "FP32", 1, 3))
                        .addInputs(input("b", "FP32", 1, 3))
                        .addRawInputContents(raw(1, 2, 3))
                        .addRawInputContents(raw(1, 2))
                        .build()))
                .hasMessage("INVALID_ARGUMENT: input 'b': shape [1,3] of FP32 needs 12 bytes, the raw data has 8");
        assertThatThrownBy(() -> kserve.modelReady(ModelReadyRequest.newBuilder()
                        .setName("add")
                        .setVersion("9")
                        .build()))
                .hasMessage("NOT_FOUND: model 'add' has no version '9'; ready versions are [1, 2]");
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeItIsDecoded() {
        assertThatThrownBy(() -> kserve.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("add")
                        .addInputs(input("a", "FP32", 1, 20_000))
                        .addInputs(input("b", "FP32", 1, 20_000))
                        .addRawInputContents(raw(new float[20_000]))
                        .addRawInputContents(raw(new float[20_000]))
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    @Test
    void tritonsStatisticsAndRepositoryCallsCountGrpcRequestsWithHttpOnes() {
        String metricsBefore = new NodeClient(node.port()).get("/metrics").text();
        kserve.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("add")
                .setModelVersion("1")
                .addInputs(input("a", "FP32", 1, 1).setContents(floats(1)))
                .addInputs(input("b", "FP32", 1, 1).setContents(floats(2)))
                .build());
        var triton = io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc.newBlockingStub(channel);
        var statistics = triton.modelStatistics(ModelStatisticsRequest.newBuilder()
                .setName("add")
                .setVersion("1")
                .build());
        assertThat(statistics.getModelStats(0).getInferenceStats().getSuccess().getCount())
                .isPositive();
        assertThat(triton.repositoryIndex(RepositoryIndexRequest.getDefaultInstance())
                        .getModelsList())
                .extracting(model -> model.getName() + ":" + model.getState())
                .contains("add:READY", "mlp:READY");
        assertThat(successes(new NodeClient(node.port()).get("/metrics").text()))
                .as("the node's metrics count gRPC requests")
                .isGreaterThan(successes(metricsBefore));
    }

    @Test
    void tritonsModelConfigIsTheDocumentHttpServes() {
        var triton = io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc.newBlockingStub(channel);

        var mlp = triton.modelConfig(
                        ModelConfigRequest.newBuilder().setName("mlp").build())
                .getConfig();
        assertThat(mlp.getName()).isEqualTo("mlp");
        assertThat(mlp.getPlatform()).isEqualTo("onnxruntime_onnx");
        assertThat(mlp.getBackend()).isEqualTo("onnxruntime");
        assertThat(mlp.getMaxBatchSize()).isEqualTo(8);
        assertThat(mlp.getInput(0).getName()).isEqualTo("input");
        assertThat(mlp.getInput(0).getDataType()).isEqualTo(io.fogline.node.grpc.proto.DataType.TYPE_FP32);
        assertThat(mlp.getInput(0).getDimsList()).containsExactly(4L);
        assertThat(mlp.getInstanceGroup(0).getKind()).isEqualTo(ModelInstanceGroup.Kind.KIND_CPU);
        assertThat(mlp.getVersionPolicy().getLatest().getNumVersions()).isEqualTo(1);
        assertThat(mlp.getDefaultModelFilename()).isEqualTo("model.onnx");
        String http = new NodeClient(node.port()).get("/v2/models/mlp/config").text();
        assertThat(http)
                .contains("\"max_batch_size\":" + mlp.getMaxBatchSize())
                .contains("\"count\":" + mlp.getInstanceGroup(0).getCount());
        assertThat(triton.modelConfig(ModelConfigRequest.newBuilder()
                                .setName("add")
                                .setVersion("2")
                                .build())
                        .getConfig()
                        .getVersionPolicy()
                        .hasAll())
                .isTrue();
        assertThatThrownBy(() -> triton.modelConfig(
                        ModelConfigRequest.newBuilder().setName("nope").build()))
                .hasMessage("NOT_FOUND: unknown model 'nope'");
    }

    private static double successes(String metrics) {
        Matcher matcher = Pattern.compile(
                        "fogline_inference_request_success_total\\{model=\"add\",version=\"1\"} (\\S+)")
                .matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }
}
