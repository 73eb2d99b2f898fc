package io.fogline.node.grpc;

import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.runtime.repository.ModelManager;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standard {@code grpc.health.v1} service. The whole server ({@code ""}) and the inference service by name are
 * answered as HTTP's {@code /v2/health/ready}: serving when every model asked to load serves. A model's name is a
 * service too, answered as {@code /v2/models/{m}/ready}, so that a balancer can watch one model: an explicit unload
 * leaves the server ready, as Triton's does, but not the model. {@code Watch} pushes each change as the model manager
 * makes it.
 */
final class HealthService extends HealthGrpc.HealthImplBase implements AutoCloseable {

    private final ModelManager models;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Runnable stopWatchingModels;

    HealthService(ModelManager models) {
        this.models = models;
        this.stopWatchingModels = models.watchReadiness(() -> watches.forEach(Watch::push));
    }

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> answer) {
        ServingStatus status = statusOf(request.getService());
        if (status == ServingStatus.SERVICE_UNKNOWN) {
            answer.onError(Status.NOT_FOUND
                    .withDescription("unknown service '" + request.getService() + "'")
                    .asRuntimeException());
            return;
        }
        answer.onNext(HealthCheckResponse.newBuilder().setStatus(status).build());
        answer.onCompleted();
    }

    /** As the protocol asks: the status at once, then each change; an unknown service is SERVICE_UNKNOWN, not an error. */
    @Override
    public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> answer) {
        ServerCallStreamObserver<HealthCheckResponse> call = (ServerCallStreamObserver<HealthCheckResponse>) answer;
        Watch watch = new Watch(request.getService(), call);
        call.setOnCancelHandler(() -> watches.remove(watch));
        watches.add(watch);
        watch.push();
    }

    private ServingStatus statusOf(String service) {
        if (service.isEmpty() || service.equals(GRPCInferenceServiceGrpc.SERVICE_NAME)) {
            return models.allReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        }
        if (models.isReady(service, null)) {
            return ServingStatus.SERVING;
        }
        return models.knows(service) ? ServingStatus.NOT_SERVING : ServingStatus.SERVICE_UNKNOWN;
    }

    /** Ends every watch, so that the server's shutdown need not wait for their clients to hang up. */
    @Override
    public void close() {
        stopWatchingModels.run();
        watches.forEach(Watch::end);
    }

    private final class Watch {

        private final String service;
        private final ServerCallStreamObserver<HealthCheckResponse> call;
        private ServingStatus sent;
        private boolean ended;

        Watch(String service, ServerCallStreamObserver<HealthCheckResponse> call) {
            this.service = service;
            this.call = call;
        }

        // Synchronized: the model manager's threads and the call's own may push at once, and a stream takes one
        // message at a time.
        synchronized void push() {
            ServingStatus status = statusOf(service);
            if (status != sent && !ended && !call.isCancelled()) {
                sent = status;
                call.onNext(HealthCheckResponse.newBuilder().setStatus(status).build());
            }
        }

        synchronized void end() {
            if (!ended && !call.isCancelled()) {
                ended = true;
                call.onCompleted();
            }
        }
    }
}
