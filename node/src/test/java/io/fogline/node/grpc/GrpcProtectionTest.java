package io.fogline.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogline.node.FoglineNode;
import io.fogline.node.NodeOptions;
import io.fogline.node.NodeProtection;
import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.node.grpc.proto.ModelReadyRequest;
import io.fogline.node.grpc.proto.RepositoryIndexRequest;
import io.fogline.node.grpc.proto.RepositoryModelLoadRequest;
import io.fogline.node.grpc.proto.RepositoryModelUnloadRequest;
import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.runtime.testing.TestRepository;
import io.fogline.runtime.testing.TinyModels;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's model control mode and API restrictions hold on gRPC as on HTTP. */
class GrpcProtectionTest {

    @TempDir
    Path repository;

    private FoglineNode start(NodeProtection protection) throws IOException {
        TinyModels.add(new TestRepository(repository).modelFile("add", 1));
        return FoglineNode.start(NodeOptions.defaults(repository)
                .withHost("127.0.0.1")
                .withHttpPort(0)
                .withGrpcPort(0)
                .withProtection(protection));
    }

    private static ManagedChannel channel(FoglineNode node) {
        return NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort())
                .usePlaintext()
                .build();
    }

    @Test
    void everyMethodTheNodeServesBelongsToAnApiGroup() {
        Stream.concat(
                        GRPCInferenceServiceGrpc.getServiceDescriptor().getMethods().stream(),
                        HealthGrpc.getServiceDescriptor().getMethods().stream())
                .map(MethodDescriptor::getFullMethodName)
                .forEach(method ->
                        assertThat(RestrictedMethods.groupOf(method)).as(method).isNotNull());
    }

    @Test
    void loadAndUnloadAreRefusedUnlessTheModelControlModeIsExplicit() throws Exception {
        try (FoglineNode node = start(NodeProtection.defaults())) {
            ManagedChannel channel = channel(node);
            try {
                var triton = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> triton.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder()
                                .setModelName("add")
                                .build()))
                        .isInstanceOf(StatusRuntimeException.class)
                        .hasMessage("INVALID_ARGUMENT: " + ModelControlMode.REFUSAL);
                assertThatThrownBy(() -> triton.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder()
                                .setModelName("add")
                                .build()))
                        .hasMessage("INVALID_ARGUMENT: " + ModelControlMode.REFUSAL);
                assertThat(triton.modelReady(ModelReadyRequest.newBuilder()
                                        .setName("add")
                                        .build())
                                .getReady())
                        .as("the refused unload left the model serving")
                        .isTrue();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aRestrictedGroupAnswersOnlyCallsCarryingItsKey() throws Exception {
        NodeProtection protection = NodeProtection.defaults()
                .withRestrictions(ApiRestrictions.parse(List.of("model-repository:admin-key=s3cret")));
        try (FoglineNode node = start(protection)) {
            ManagedChannel channel = channel(node);
            try {
                var anonymous =
                        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
                assertThatThrownBy(() -> anonymous.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()))
                        .hasMessage("PERMISSION_DENIED: This API is restricted, expecting header 'admin-key'");
                assertThat(anonymous
                                .modelReady(ModelReadyRequest.newBuilder()
                                        .setName("add")
                                        .build())
                                .getReady())
                        .as("groups not named stay open")
                        .isTrue();

                Metadata wrong = new Metadata();
                wrong.put(Metadata.Key.of("admin-key", Metadata.ASCII_STRING_MARSHALLER), "guess");
                assertThatThrownBy(() -> anonymous
                                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                                .repositoryIndex(RepositoryIndexRequest.getDefaultInstance()))
                        .hasMessage("PERMISSION_DENIED: This API is restricted, expecting header 'admin-key'");

                Metadata key = new Metadata();
                key.put(Metadata.Key.of("admin-key", Metadata.ASCII_STRING_MARSHALLER), "s3cret");
                assertThat(anonymous
                                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(key))
                                .repositoryIndex(RepositoryIndexRequest.getDefaultInstance())
                                .getModelsList())
                        .extracting(model -> model.getName())
                        .containsExactly("add");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
