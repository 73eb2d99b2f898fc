package io.fogline.node.grpc;

import io.fogline.node.http.ApiGroup;
import io.fogline.node.http.ApiRestrictions;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;

/**
 * The owner's API restrictions on gRPC: each RPC belongs to the API group of its HTTP twin, and a restricted group
 * answers only calls whose metadata carries the group's key, so restricting an API on one transport leaves no door
 * open on the other.
 */
final class RestrictedMethods implements ServerInterceptor {

    private final ApiRestrictions restrictions;

    RestrictedMethods(ApiRestrictions restrictions) {
        this.restrictions = restrictions;
    }

    /** The group of a method of the services the node serves; an RPC without one is a bug (RestrictedMethodsTest walks them all). */
    static ApiGroup groupOf(String fullMethodName) {
        if (fullMethodName.startsWith("grpc.health.v1.Health/")) {
            return ApiGroup.HEALTH;
        }
        String method = fullMethodName.substring(fullMethodName.indexOf('/') + 1);
        return switch (method) {
            case "ServerLive", "ServerReady", "ModelReady" -> ApiGroup.HEALTH;
            case "ServerMetadata", "ModelMetadata" -> ApiGroup.METADATA;
            case "ModelConfig" -> ApiGroup.MODEL_CONFIG;
            case "ModelInfer" -> ApiGroup.INFERENCE;
            case "ModelStatistics" -> ApiGroup.STATISTICS;
            case "RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload" -> ApiGroup.MODEL_REPOSITORY;
            default -> throw new IllegalStateException("gRPC method " + fullMethodName + " has no API group");
        };
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String refusal = restrictions.refusal(
                groupOf(call.getMethodDescriptor().getFullMethodName()),
                name -> headers.get(Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER)));
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        call.close(Status.PERMISSION_DENIED.withDescription(refusal), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
