package io.fogline.bench.serving;

import com.google.protobuf.ByteString;
import io.fogline.core.tensor.Tensor;
import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.node.grpc.proto.ModelInferRequest;
import io.fogline.node.grpc.proto.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC connection (an HTTP/2 channel of its own) that sends the same {@code ModelInfer} request again and again,
 * inputs as raw contents, as Triton's clients send them; a blocking call per request, like the HTTP client's.
 */
final class GrpcExchange implements Exchange {

    private final ManagedChannel channel;
    private final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;
    private final ModelInferRequest request;

    GrpcExchange(InetSocketAddress server, ModelInferRequest request) {
        this.channel = NettyChannelBuilder.forAddress(server.getHostString(), server.getPort())
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build();
        this.stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
        this.request = request;
    }

    /** The request of a model and its inputs, each input's bytes as its raw contents. */
    static ModelInferRequest request(String model, List<Tensor> inputs) {
        ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
        for (Tensor input : inputs) {
            ModelInferRequest.InferInputTensor.Builder tensor = ModelInferRequest.InferInputTensor.newBuilder()
                    .setName(input.name())
                    .setDatatype(input.datatype().name());
            for (long dim : input.shape()) {
                tensor.addShape(dim);
            }
            request.addInputs(tensor).addRawInputContents(ByteString.copyFrom(input.data()));
        }
        return request.build();
    }

    /** Sends the request once and returns the answer, e.g. to check it against raw ONNX Runtime's. */
    ModelInferResponse send() throws IOException {
        try {
            return stub.modelInfer(request);
        } catch (StatusRuntimeException e) {
            throw new IOException("gRPC ModelInfer failed: " + e.getStatus(), e);
        }
    }

    @Override
    public void exchange() throws IOException {
        if (send().getRawOutputContentsCount() == 0) {
            throw new IOException("gRPC ModelInfer answered without raw output contents");
        }
    }

    @Override
    public void close() throws IOException {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing a gRPC channel", e);
        }
    }
}
