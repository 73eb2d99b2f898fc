package io.fogline.control.http;

import io.fogline.control.common.ControlException;
import io.fogline.control.store.StoreException;
import io.fogline.listener.ConnectionGuard;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;

/**
 * Serves a route table over HTTP: matches each request to its route (404 for a path no route has, 405 with
 * {@code Allow} for a method the path does not take), checks the route's access, runs its handler, and turns the
 * domain's refusals into statuses. The listener is the node's (Vert.x, held to its {@link ListenerLimits} by the same
 * guard); each request's handler runs on a virtual thread of its own, so the blocking database calls never hold an
 * event loop and need no thread pool of their own.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());

    private final Routes routes;
    private final Credentials credentials;
    private final AnonymousRequests anonymous;
    private final Vertx vertx;
    private final ConnectionGuard guard;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private int port;

    private ControlServer(Routes routes, Credentials credentials, ListenerLimits limits, Vertx vertx) {
        this.routes = routes;
        this.credentials = credentials;
        this.anonymous = new AnonymousRequests(limits.maxAnonymousPerClient(), limits.maxAnonymous());
        this.vertx = vertx;
        this.guard = new ConnectionGuard(vertx, limits.connections());
    }

    /**
     * Listens with one server per core, so connections spread over the event loops.
     *
     * @param tls the keys to serve HTTPS with, or null for plain HTTP
     */
    public static ControlServer start(
            String host, int port, Routes routes, Credentials credentials, ListenerLimits limits, KeyManagerFactory tls)
            throws IOException {
        int eventLoops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(eventLoops)
                .setWorkerPoolSize(1)
                .setPreferNativeTransport(true));
        ControlServer api = new ControlServer(routes, credentials, limits, vertx);
        HttpServerOptions options = ConnectionGuard.guarded(new HttpServerOptions()
                .setHost(host)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024)
                .setHandle100ContinueAutomatically(true));
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(tls));
        }
        try {
            for (int i = 0; i < eventLoops; i++) {
                // Servers of one Vert.x instance that listen on the same address, port 0 included, share its socket.
                HttpServer server = vertx.createHttpServer(options)
                        .connectionHandler(api.guard::accept)
                        .requestHandler(api::accept);
                api.port = server.listen(port, host).await().actualPort();
            }
        } catch (RuntimeException e) {
            api.close();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return api;
    }

    public int port() {
        return port;
    }

    /** On the event loop: the request is paused and handed to a thread of its own. */
    private void accept(HttpServerRequest request) {
        guard.requestStarted(request);
        Call call = new Call(request, Vertx.currentContext());
        threads.execute(() -> handle(call));
    }

    private void handle(Call call) {
        AnonymousRequests.Ticket ticket = null;
        try {
            try {
                if (call.header("Authorization") == null) {
                    ticket = anonymous.admit(call.clientAddress());
                }
                route(call);
            } catch (HttpError e) {
                if (e.status == 429 || e.status == 503) {
                    call.setHeader("Retry-After", "1");
                }
                refuse(call, e.status, e.getMessage());
            } catch (ControlException e) {
                if (e.refusal() == null) {
                    refuse(call, status(e.kind()), e.getMessage());
                } else if (!call.answered()) {
                    call.sendJson(status(e.kind()), Map.of("error", e.getMessage(), "refusal", e.refusal()));
                }
            } catch (RuntimeException e) {
                if (e instanceof StoreException store && store.isOverloaded()) {
                    call.setHeader("Retry-After", "1");
                    refuse(call, 503, "the database is busy: no connection came free in time; try again");
                } else {
                    LOG.log(Level.WARNING, "failed " + call.method() + " " + call.path(), e);
                    refuse(call, 500, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e);
        } finally {
            if (ticket != null) {
                ticket.close();
            }
            call.finish();
        }
    }

    /** Answers an error, unless part of an answer went out already: then finishing the call closes the connection. */
    private static void refuse(Call call, int status, String message) throws IOException {
        if (!call.answered()) {
            call.sendError(status, message);
        }
    }

    private void route(Call call) throws IOException {
        switch (routes.match(call.method(), call.path())) {
            case Routes.Match.Nothing nothing ->
                throw ControlException.notFound("no endpoint " + call.method() + " " + call.path());
            case Routes.Match.WrongMethod wrong -> {
                call.setHeader("Allow", String.join(", ", wrong.allowed()));
                throw new HttpError(
                        405,
                        "no endpoint " + call.method() + " " + call.path() + "; it takes "
                                + String.join(", ", wrong.allowed()));
            }
            case Routes.Match.Found found -> {
                call.refuseDeclaredOver(found.route().maxBodyBytes());
                call.matched(found.parameters(), admit(found.route(), found.parameters(), call));
                found.route().handler().handle(call);
            }
        }
    }

    /** The caller, when the route's access lets it in; refused otherwise. */
    private Caller admit(Route route, Map<String, String> parameters, Call call) {
        String authorization = call.header("Authorization");
        switch (route.access()) {
            case PUBLIC -> {
                return new Caller.Anonymous();
            }
            case METRICS -> {
                credentials.checkMetrics(authorization);
                return new Caller.Anonymous();
            }
            default -> {}
        }
        Caller caller = credentials.caller(authorization);
        String named = parameters.get("id");
        boolean ownDevice =
                caller instanceof Caller.Device device && device.id().equals(named);
        switch (route.access()) {
            case OWN_DEVICE -> {
                if (!ownDevice) {
                    throw ControlException.forbidden("only device '" + named + "' " + route.action());
                }
            }
            case OWN_DEVICE_OR_OPERATOR -> {
                if (caller instanceof Caller.Device device && !ownDevice) {
                    throw ControlException.forbidden(
                            "device '" + device.id() + "' cannot " + route.action() + " of '" + named + "'");
                }
            }
            case OPERATOR -> {
                if (!(caller instanceof Caller.Operator)) {
                    throw ControlException.forbidden("operator endpoint: a device credential is not enough");
                }
            }
            default -> {}
        }
        return caller;
    }

    private static int status(ControlException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
        };
    }

    @Override
    public void close() {
        vertx.close().await();
        threads.close();
    }
}
