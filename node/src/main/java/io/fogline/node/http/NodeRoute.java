package io.fogline.node.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * One endpoint of the node: a method, a path pattern whose {@code {name}} segments are parameters, the API group it
 * belongs to, and its handler.
 */
public record NodeRoute(HttpMethod method, String pattern, ApiGroup group, Handler handler) {

    /** Answers one request that matched the route. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpServerRequest request, PathParameters parameters);
    }
}
