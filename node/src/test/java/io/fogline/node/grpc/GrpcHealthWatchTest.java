package io.fogline.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.node.grpc.proto.RepositoryModelLoadRequest;
import io.fogline.node.grpc.proto.RepositoryModelUnloadRequest;
import io.fogline.node.http.ModelControlMode;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standard health service's {@code Watch}, driven by the client generated from grpc.health.v1's proto. */
class GrpcHealthWatchTest {

    @TempDir
    Path repository;

    FoglineNode node;
    ManagedChannel channel;

    @BeforeEach
    void startNode() throws Exception {
        TestRepository models = new TestRepository(repository);
        TinyModels.mlp(models.modelFile("mlp", 1), 4, 8, 3, 7);
        Files.writeString(models.modelFile("broken", 1), "not an ONNX graph");
        node = FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withGrpcPort(0)
                .withProtection(NodeProtection.defaults().withModelControl(ModelControlMode.EXPLICIT)));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort())
                .usePlaintext()
                .build();
    }

    @AfterEach
    void stopNode() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        node.close();
    }

    private Iterator<HealthCheckResponse> watch(String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .watch(HealthCheckRequest.newBuilder().setService(service).build());
    }

    private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub triton() {
        return GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void aModelsWatchersHearItUnloadedAndLoadedAgain() {
        Iterator<HealthCheckResponse> mlp = watch("mlp");
        assertThat(mlp.next().getStatus()).isEqualTo(ServingStatus.SERVING);

        triton().repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                .setModelName("mlp")
                .build());
        assertThat(mlp.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .check(HealthCheckRequest.newBuilder().setService("mlp").build())
                        .getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);

        triton().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                .setModelName("mlp")
                .build());
        assertThat(mlp.next().getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void theServersWatchersHearItBecomeReadyWhenTheFailedModelIsFixed() throws Exception {
        Iterator<HealthCheckResponse> server = watch("");
        Iterator<HealthCheckResponse> inference = watch(GRPCInferenceServiceGrpc.SERVICE_NAME);
        assertThat(server.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(inference.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);

        TinyModels.mlp(repository.resolve("broken/1/model.onnx"), 4, 8, 3, 7);
        triton().repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                .setModelName("broken")
                .build());

        assertThat(server.next().getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(inference.next().getStatus()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void anUnknownServiceIsWatchedAsUnknownNotRefused() {
        assertThat(watch("nope").next().getStatus()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
    }
}
