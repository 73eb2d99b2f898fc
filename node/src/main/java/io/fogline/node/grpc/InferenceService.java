package io.fogline.node.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fogline.core.error.InferenceException;
import io.fogline.core.protocol.InferenceRequest;
import io.fogline.core.protocol.ModelMetadata;
import io.fogline.core.protocol.TensorMetadata;
import io.fogline.node.grpc.proto.GRPCInferenceServiceGrpc;
import io.fogline.node.grpc.proto.InferBatchStatistics;
import io.fogline.node.grpc.proto.InferStatistics;
import io.fogline.node.grpc.proto.ModelConfigRequest;
import io.fogline.node.grpc.proto.ModelConfigResponse;
import io.fogline.node.grpc.proto.ModelInferRequest;
import io.fogline.node.grpc.proto.ModelInferResponse;
import io.fogline.node.grpc.proto.ModelMetadataRequest;
import io.fogline.node.grpc.proto.ModelMetadataResponse;
import io.fogline.node.grpc.proto.ModelReadyRequest;
import io.fogline.node.grpc.proto.ModelReadyResponse;
import io.fogline.node.grpc.proto.ModelRepositoryParameter;
import io.fogline.node.grpc.proto.ModelStatisticsRequest;
import io.fogline.node.grpc.proto.ModelStatisticsResponse;
import io.fogline.node.grpc.proto.RepositoryIndexRequest;
import io.fogline.node.grpc.proto.RepositoryIndexResponse;
import io.fogline.node.grpc.proto.RepositoryModelLoadRequest;
import io.fogline.node.grpc.proto.RepositoryModelLoadResponse;
import io.fogline.node.grpc.proto.RepositoryModelUnloadRequest;
import io.fogline.node.grpc.proto.RepositoryModelUnloadResponse;
import io.fogline.node.grpc.proto.ServerLiveRequest;
import io.fogline.node.grpc.proto.ServerLiveResponse;
import io.fogline.node.grpc.proto.ServerMetadataRequest;
import io.fogline.node.grpc.proto.ServerMetadataResponse;
import io.fogline.node.grpc.proto.ServerReadyRequest;
import io.fogline.node.grpc.proto.ServerReadyResponse;
import io.fogline.node.grpc.proto.StatisticDuration;
import io.fogline.node.http.Json;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.routing.Router;
import io.fogline.runtime.config.ModelConfig;
import io.fogline.runtime.repository.ModelManager;
import io.fogline.runtime.repository.RepositoryModel;
import io.fogline.runtime.stats.ModelStatistics;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The KServe v2 {@code inference.GRPCInferenceService} with Triton's repository and statistics RPCs, served by the
 * same model manager, router and observers as HTTP. Calls run on gRPC's transport threads, as HTTP's run on the event
 * loops, so a lone request on an idle model makes no thread hop; repository loads and unloads, which wait, go to an
 * executor of their own.
 */
final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private final ModelManager models;
    private final Router router;
    private final NodeObserver observer;
    private final Executor repository;
    private final String version;
    private final List<String> extensions;
    /** Throws when the owner's model control mode refuses a load or unload of the named model. */
    private final Consumer<String> checkModelChange;

    InferenceService(
            ModelManager models,
            Router router,
            NodeObserver observer,
            Executor repository,
            String version,
            List<String> extensions,
            Consumer<String> checkModelChange) {
        this.models = models;
        this.router = router;
        this.observer = observer;
        this.repository = repository;
        this.version = version;
        this.extensions = List.copyOf(extensions);
        this.checkModelChange = checkModelChange;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> answer) {
        reply(answer, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> answer) {
        reply(answer, () -> ServerReadyResponse.newBuilder()
                .setReady(models.allReady())
                .build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> answer) {
        reply(answer, () -> {
            models.requireReady(request.getName(), versionOf(request.getVersion()));
            return ModelReadyResponse.newBuilder().setReady(true).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> answer) {
        reply(answer, () -> ServerMetadataResponse.newBuilder()
                .setName("fogline")
                .setVersion(version)
                .addAllExtensions(extensions)
                .build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> answer) {
        reply(answer, () -> {
            ModelMetadata metadata = models.metadata(request.getName(), versionOf(request.getVersion()));
            ModelMetadataResponse.Builder response = ModelMetadataResponse.newBuilder()
                    .setName(metadata.name())
                    .addAllVersions(metadata.versions())
                    .setPlatform(metadata.platform());
            metadata.inputs().forEach(tensor -> response.addInputs(tensorMetadata(tensor)));
            metadata.outputs().forEach(tensor -> response.addOutputs(tensorMetadata(tensor)));
            return response.build();
        });
    }

    /** Triton's model configuration: the document HTTP serves, so the two transports cannot disagree. */
    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> answer) {
        reply(answer, () -> {
            String document = new String(
                    Json.write(models.configuration(request.getName(), versionOf(request.getVersion()))),
                    StandardCharsets.UTF_8);
            io.fogline.node.grpc.proto.ModelConfig.Builder config = io.fogline.node.grpc.proto.ModelConfig.newBuilder();
            try {
                JsonFormat.parser().merge(document, config);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(
                        "the model configuration has a field the gRPC message lacks: " + e.getMessage(), e);
            }
            return ModelConfigResponse.newBuilder().setConfig(config).build();
        });
    }

    private static ModelMetadataResponse.TensorMetadata tensorMetadata(TensorMetadata tensor) {
        ModelMetadataResponse.TensorMetadata.Builder metadata = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(tensor.name())
                .setDatatype(tensor.datatype().name());
        for (long dim : tensor.shape()) {
            metadata.addShape(dim);
        }
        return metadata.build();
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> answer) {
        long started = System.nanoTime();
        String model = request.getModelName();
        String modelVersion = versionOf(request.getModelVersion());
        InferenceRequest inference;
        try {
            inference = GrpcTensors.request(request);
        } catch (InferenceException e) {
            failInference(answer, model, modelVersion, e);
            return;
        }
        try {
            router.infer(model, modelVersion, inference).whenComplete((response, failure) -> {
                if (failure != null) {
                    failInference(answer, model, modelVersion, InferenceException.of(failure));
                    return;
                }
                ModelInferResponse encoded;
                try {
                    encoded = GrpcTensors.response(response, inference);
                } catch (RuntimeException e) {
                    failInference(answer, model, modelVersion, InferenceException.internal(e.toString(), e));
                    return;
                }
                // Observed before the client can see the answer, as on HTTP.
                observer.requestSucceeded(
                        inference, request.getSerializedSize(), response, System.nanoTime() - started);
                answer.onNext(encoded);
                answer.onCompleted();
            });
        } catch (RuntimeException e) {
            failInference(answer, model, modelVersion, InferenceException.of(e));
        }
    }

    private void failInference(
            StreamObserver<ModelInferResponse> answer, String model, String modelVersion, InferenceException e) {
        observer.requestFailed(
                models.isReady(model, null) ? model : "",
                modelVersion,
                e.kind().name().toLowerCase(Locale.ROOT));
        answer.onError(status(e));
    }

    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> answer) {
        reply(answer, () -> {
            ModelStatisticsResponse.Builder response = ModelStatisticsResponse.newBuilder();
            for (ModelStatistics.Snapshot snapshot :
                    models.statistics(nameOf(request.getName()), versionOf(request.getVersion()))) {
                response.addModelStats(statistics(snapshot));
            }
            return response.build();
        });
    }

    private static io.fogline.node.grpc.proto.ModelStatistics statistics(ModelStatistics.Snapshot snapshot) {
        ModelStatistics.InferenceStatistics stats = snapshot.inferenceStats();
        io.fogline.node.grpc.proto.ModelStatistics.Builder model =
                io.fogline.node.grpc.proto.ModelStatistics.newBuilder()
                        .setName(snapshot.name())
                        .setVersion(snapshot.version())
                        .setLastInference(snapshot.lastInference())
                        .setInferenceCount(snapshot.inferenceCount())
                        .setExecutionCount(snapshot.executionCount())
                        .setInferenceStats(InferStatistics.newBuilder()
                                .setSuccess(duration(stats.success()))
                                .setFail(duration(stats.fail()))
                                .setQueue(duration(stats.queue()))
                                .setComputeInput(duration(stats.computeInput()))
                                .setComputeInfer(duration(stats.computeInfer()))
                                .setComputeOutput(duration(stats.computeOutput()))
                                .setCacheHit(duration(stats.cacheHit()))
                                .setCacheMiss(duration(stats.cacheMiss())));
        for (ModelStatistics.BatchStatistics batch : snapshot.batchStats()) {
            model.addBatchStats(InferBatchStatistics.newBuilder()
                    .setBatchSize(batch.batchSize())
                    .setComputeInput(duration(batch.computeInput()))
                    .setComputeInfer(duration(batch.computeInfer()))
                    .setComputeOutput(duration(batch.computeOutput())));
        }
        return model.build();
    }

    private static StatisticDuration duration(ModelStatistics.Duration duration) {
        return StatisticDuration.newBuilder()
                .setCount(duration.count())
                .setNs(duration.ns())
                .build();
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> answer) {
        repository.execute(() -> reply(answer, () -> {
            RepositoryIndexResponse.Builder response = RepositoryIndexResponse.newBuilder();
            for (RepositoryModel model : models.index()) {
                if (request.getReady() && !model.state().equals("READY")) {
                    continue;
                }
                RepositoryIndexResponse.ModelIndex.Builder index = RepositoryIndexResponse.ModelIndex.newBuilder()
                        .setName(model.name())
                        .setState(model.state())
                        .setReason(model.reason() == null ? "" : model.reason());
                if (model.version() != null) {
                    index.setVersion(model.version());
                }
                response.addModels(index);
            }
            return response.build();
        }));
    }

    @Override
    public void repositoryModelLoad(
            RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> answer) {
        repository.execute(() -> reply(answer, () -> {
            checkModelChange.accept(request.getModelName());
            ModelRepositoryParameter config = request.getParametersMap().get("config");
            models.load(request.getModelName(), config == null ? null : ModelConfig.parse(configText(config)));
            return RepositoryModelLoadResponse.getDefaultInstance();
        }));
    }

    private static String configText(ModelRepositoryParameter config) {
        return switch (config.getParameterChoiceCase()) {
            case STRING_PARAM -> config.getStringParam();
            case BYTES_PARAM -> config.getBytesParam().toStringUtf8();
            default -> throw InferenceException.invalid("parameters.config must be a model configuration as JSON");
        };
    }

    @Override
    public void repositoryModelUnload(
            RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> answer) {
        repository.execute(() -> reply(answer, () -> {
            checkModelChange.accept(request.getModelName());
            models.unload(request.getModelName(), 30);
            return RepositoryModelUnloadResponse.getDefaultInstance();
        }));
    }

    private static <T> void reply(StreamObserver<T> answer, Supplier<T> work) {
        T response;
        try {
            response = work.get();
        } catch (RuntimeException e) {
            answer.onError(status(InferenceException.of(e)));
            return;
        }
        answer.onNext(response);
        answer.onCompleted();
    }

    /** Empty strings are proto3's unset: no version named, every model asked for. */
    private static String versionOf(String version) {
        return version.isEmpty() ? null : version;
    }

    private static String nameOf(String name) {
        return name.isEmpty() ? null : name;
    }

    /** The gRPC status that answers a failure of this kind, with the message HTTP sends in its body. */
    static StatusRuntimeException status(InferenceException e) {
        Status status =
                switch (e.kind()) {
                    case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                    case NOT_FOUND -> Status.NOT_FOUND;
                    case PAYLOAD_TOO_LARGE -> Status.RESOURCE_EXHAUSTED;
                    case UNAVAILABLE -> Status.UNAVAILABLE;
                    case INTERNAL -> Status.INTERNAL;
                };
        return status.withDescription(e.getMessage()).asRuntimeException();
    }
}
