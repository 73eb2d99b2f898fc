package io.fogline.node.grpc;

import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.runtime.repository.ModelManager;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;

/**
 * The standard {@code grpc.health.v1} check, answered as HTTP's {@code /v2/health/ready}: serving when every model
 * asked to load serves. It knows the whole server ({@code ""}) and the inference service by name.
 */
final class HealthService extends HealthGrpc.HealthImplBase {

    private final ModelManager models;

    HealthService(ModelManager models) {
        this.models = models;
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> answer) {
        String service = request.getService();
        if (!service.isEmpty() && !service.equals(GRPCInferenceServiceGrpc.SERVICE_NAME)) {
            answer.onError(Status.NOT_FOUND
                    .withDescription("unknown service '" + service + "'")
                    .asRuntimeException());
            return;
        }
        answer.onNext(HealthCheckResponse.newBuilder()
                .setStatus(
                        models.allReady()
                                ? HealthCheckResponse.ServingStatus.SERVING
                                : HealthCheckResponse.ServingStatus.NOT_SERVING)
                .build());
        answer.onCompleted();
    }
}
