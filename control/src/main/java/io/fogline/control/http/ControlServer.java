package io.fogline.control.http;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fogline.control.common.ControlException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * Serves a route table over HTTP: matches each request to its route (404 for a path no route has, 405 with
 * {@code Allow} for a method the path does not take), checks the route's access, runs its handler, and turns the
 * domain's refusals into statuses. Each request runs on its own virtual thread, so the blocking database calls need
 * no thread pool of their own.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());

    private final Routes routes;
    private final Credentials credentials;
    private final HttpServer server;
    private final AnonymousRequests anonymous;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private ControlServer(Routes routes, Credentials credentials, HttpServer server, ListenerLimits limits) {
        this.routes = routes;
        this.credentials = credentials;
        this.server = server;
        this.anonymous = new AnonymousRequests(limits.maxAnonymousPerClient(), limits.maxAnonymous());
    }

    /** @param tls the context to serve HTTPS with, or null for plain HTTP */
    public static ControlServer start(
            String host, int port, Routes routes, Credentials credentials, ListenerLimits limits, SSLContext tls)
            throws IOException {
        limits.applyToJdkServer();
        HttpServer server;
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 1024);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        ControlServer api = new ControlServer(routes, credentials, server, limits);
        server.setExecutor(api.threads);
        server.createContext("/", http -> api.handle(new Call(http)));
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(Call call) {
        AnonymousRequests.Ticket ticket = null;
        try {
            try {
                if (call.header("Authorization") == null) {
                    ticket = anonymous.admit(call.http.getRemoteAddress().getAddress());
                }
                route(call);
            } catch (HttpError e) {
                if (e.status == 429 || e.status == 503) {
                    call.setHeader("Retry-After", "1");
                }
                call.sendError(e.status, e.getMessage());
            } catch (ControlException e) {
                if (e.refusal() == null) {
                    call.sendError(status(e.kind()), e.getMessage());
                } else {
                    call.sendJson(status(e.kind()), Map.of("error", e.getMessage(), "refusal", e.refusal()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "failed " + call.method() + " " + call.path(), e);
                call.sendError(500, e.toString());
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e);
        } finally {
            if (ticket != null) {
                ticket.close();
            }
            call.http.close();
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
        server.stop(0);
        threads.close();
    }
}
