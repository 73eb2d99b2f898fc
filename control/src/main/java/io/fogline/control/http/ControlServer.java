package io.fogline.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fogline.control.ControlPlane;
import io.fogline.control.Publisher;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Fields;
import io.fogline.control.fleet.DesiredStates;
import io.fogline.control.fleet.DeviceFilter;
import io.fogline.control.fleet.Fleet;
import io.fogline.control.fleet.LabelSelector;
import io.fogline.control.fleet.Secrets;
import io.fogline.control.rollout.RolloutSpec;
import io.fogline.control.rollout.RolloutState;
import io.fogline.core.device.Accepted;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.Feedback;
import io.fogline.core.device.ProtocolJson;
import io.fogline.core.telemetry.TelemetryBatch;
import io.fogline.core.telemetry.TelemetryJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The control plane's HTTP API: the device endpoints of docs/protocol.md and the operator endpoints. Each request
 * runs on its own virtual thread, so the blocking database calls need no thread pool of their own.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    private static final long JSON_LIMIT = 1024 * 1024;
    /** The page loads nothing from elsewhere; uPlot sets its own elements' styles. */
    private static final String DASHBOARD_POLICY = "default-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
    /** Nodes send batches of 256 KiB by default; the limit leaves room for a node configured to send more. */
    private static final long TELEMETRY_LIMIT = 8 * 1024 * 1024;

    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ControlPlane control;
    private final DashboardFiles dashboard = DashboardFiles.load();
    private final String adminToken;
    private final long maxBundleBytes;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private ControlServer(ControlPlane control, String adminToken, long maxBundleBytes, HttpServer server) {
        this.control = control;
        this.adminToken = adminToken;
        this.maxBundleBytes = maxBundleBytes;
        this.server = server;
    }

    public static ControlServer start(
            ControlPlane control, String host, int port, String adminToken, long maxBundleBytes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        ControlServer api = new ControlServer(control, adminToken, maxBundleBytes, server);
        server.setExecutor(api.threads);
        server.createContext("/", http -> api.handle(new Exchange(http)));
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(Exchange exchange) {
        try {
            try {
                route(exchange);
            } catch (HttpError e) {
                exchange.sendError(e.status, e.getMessage());
            } catch (ControlException e) {
                int status = status(e.kind());
                if (e.refusal() == null) {
                    exchange.sendError(status, e.getMessage());
                } else {
                    exchange.sendJson(status, Map.of("error", e.getMessage(), "refusal", e.refusal()));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "failed " + exchange.method() + " " + exchange.http.getRequestURI(), e);
                exchange.sendError(500, e.toString());
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e);
        } finally {
            exchange.http.close();
        }
    }

    private void route(Exchange exchange) throws IOException {
        String[] path = exchange.path;
        if (path.length == 1 && path[0].equals("metrics") && exchange.method().equals("GET")) {
            exchange.send(200, PROMETHEUS_TYPE, control.metrics().scrape().getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (path.length == 0 || path[0].equals("dashboard")) {
            expect(exchange, exchange.method().equals("GET"));
            dashboard(exchange);
            return;
        }
        if (path.length < 3 || !path[0].equals("api") || !path[1].equals("v1")) {
            throw noEndpoint(exchange);
        }
        String method = exchange.method();
        String resource = path[2];
        int depth = path.length - 3;
        switch (resource) {
            case "enrol" -> {
                expect(exchange, depth == 0 && method.equals("POST"));
                enrol(exchange);
            }
            case "devices" -> devices(exchange, method, depth);
            case "bundles" -> bundles(exchange, method, depth);
            case "blobs" -> {
                expect(exchange, depth == 1 && method.equals("GET"));
                caller(exchange);
                blob(exchange, path[3]);
            }
            case "models" -> {
                expect(exchange, depth <= 1 && method.equals("GET"));
                requireAdmin(exchange);
                exchange.sendJson(200, control.registry().models(depth == 1 ? path[3] : null));
            }
            case "enrolment-tokens" -> {
                expect(exchange, depth == 0 && method.equals("POST"));
                requireAdmin(exchange);
                issueToken(exchange);
            }
            case "rollouts" -> rollouts(exchange, method, depth);
            case "alerts" -> alerts(exchange, method, depth);
            case "health" -> {
                expect(exchange, depth == 0 && method.equals("GET"));
                requireAdmin(exchange);
                exchange.sendJson(200, control.health().health(span(exchange, 15)));
            }
            case "telemetry" -> {
                expect(exchange, depth == 0 && method.equals("GET"));
                requireAdmin(exchange);
                exchange.sendJson(
                        200,
                        Map.of(
                                "windows",
                                control.health()
                                        .series(
                                                span(exchange, 60),
                                                exchange.query("device"),
                                                exchange.query("model"))));
            }
            default -> throw noEndpoint(exchange);
        }
    }

    /**
     * The dashboard's files, to anyone: they hold no data, and the page asks for the admin token before it reads the
     * API. Every answer is revalidated against its ETag, so a new jar's files are never hidden behind a cached copy.
     */
    private void dashboard(Exchange exchange) throws IOException {
        String[] path = exchange.path;
        if (path.length == 0
                || (path.length == 1 && !exchange.http.getRequestURI().getPath().endsWith("/"))) {
            String query = exchange.http.getRequestURI().getRawQuery();
            exchange.setHeader("Location", "/dashboard/" + (query == null ? "" : "?" + query));
            exchange.sendEmpty(302);
            return;
        }
        String name = path.length == 1 ? "index.html" : String.join("/", Arrays.copyOfRange(path, 1, path.length));
        DashboardFiles.File file =
                dashboard.find(name).orElseThrow(() -> ControlException.notFound("no dashboard file '" + name + "'"));
        exchange.setHeader("ETag", file.etag());
        exchange.setHeader("Cache-Control", "no-cache");
        exchange.setHeader("X-Content-Type-Options", "nosniff");
        if (file.type().startsWith("text/html")) {
            exchange.setHeader("Content-Security-Policy", DASHBOARD_POLICY);
            exchange.setHeader("Referrer-Policy", "no-referrer");
        }
        if (matches(exchange.header("If-None-Match"), file.etag())) {
            exchange.sendEmpty(304);
            return;
        }
        exchange.send(200, file.type(), file.bytes());
    }

    private void enrol(Exchange exchange) throws IOException {
        Enrolment enrolment = message(exchange, Enrolment.class);
        exchange.sendJson(201, control.fleet().enrol(enrolment));
    }

    private void devices(Exchange exchange, String method, int depth) throws IOException {
        String[] path = exchange.path;
        if (depth == 2 && path[4].equals("desired") && method.equals("GET")) {
            desired(exchange, path[3]);
        } else if (depth == 2 && path[4].equals("feedback") && method.equals("POST")) {
            Caller caller = caller(exchange);
            if (!(caller instanceof Caller.Device device) || !device.id().equals(path[3])) {
                throw ControlException.forbidden("only device '" + path[3] + "' reports its feedback");
            }
            exchange.sendJson(200, new Accepted(control.feedback(device.id(), message(exchange, Feedback.class))));
        } else if (depth == 2 && path[4].equals("telemetry") && method.equals("POST")) {
            Caller caller = caller(exchange);
            if (!(caller instanceof Caller.Device device) || !device.id().equals(path[3])) {
                throw ControlException.forbidden("only device '" + path[3] + "' sends its telemetry");
            }
            TelemetryBatch batch;
            try {
                batch = TelemetryJson.read(exchange.bytes(TELEMETRY_LIMIT), TelemetryBatch.class);
            } catch (IllegalArgumentException e) {
                throw ControlException.invalid(e.getMessage());
            }
            exchange.sendJson(200, new Accepted(control.telemetry(device.id(), batch)));
        } else if (depth == 0 && method.equals("GET")) {
            requireAdmin(exchange);
            String selector = exchange.query("selector");
            exchange.sendJson(
                    200,
                    control.fleet()
                            .devices(new DeviceFilter(
                                    exchange.query("group"), selector == null ? null : LabelSelector.parse(selector))));
        } else if (depth == 1 && method.equals("GET")) {
            requireAdmin(exchange);
            exchange.sendJson(200, control.fleet().device(path[3]));
        } else if (depth == 1 && method.equals("PATCH")) {
            requireAdmin(exchange);
            JsonNode body = exchange.json(JSON_LIMIT);
            exchange.sendJson(
                    200,
                    control.fleet()
                            .update(
                                    path[3],
                                    Fields.optionalText(body, "group"),
                                    body.hasNonNull("labels") ? Fields.labels(body, "labels") : null));
        } else {
            throw noEndpoint(exchange);
        }
    }

    /** A poll: one indexed read answers 304; the heartbeat it counts as is written later in a batch. */
    private void desired(Exchange exchange, String deviceId) throws IOException {
        Caller caller = caller(exchange);
        long revision;
        if (caller instanceof Caller.Device device) {
            if (!device.id().equals(deviceId)) {
                throw ControlException.forbidden(
                        "device '" + device.id() + "' cannot read the state of '" + deviceId + "'");
            }
            control.heartbeats().seen(deviceId);
            control.metrics().polled();
            revision = device.desiredRevision();
        } else {
            control.fleet().device(deviceId);
            revision = control.fleet().desired(deviceId).revision();
        }
        long interval = control.pollInterval().toSeconds();
        String etag = etag(revision, interval);
        if (matches(exchange.header("If-None-Match"), etag)) {
            exchange.setHeader("ETag", etag);
            exchange.sendEmpty(304);
            return;
        }
        // The body is read afresh and its ETag made from it, so a change since the credential was read is not lost.
        DesiredStates.Revision desired = control.fleet().desired(deviceId);
        exchange.setHeader("ETag", etag(desired.revision(), interval));
        exchange.sendJson(200, new DesiredState(interval, desired.models()));
    }

    /** A device's message, refused with 400 naming what is wrong. */
    private static <T> T message(Exchange exchange, Class<T> type) throws IOException {
        try {
            return ProtocolJson.read(exchange.bytes(JSON_LIMIT), type);
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid(e.getMessage());
        }
    }

    private static String etag(long revision, long interval) {
        return "\"" + revision + "-" + interval + "\"";
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String trimmed = candidate.trim();
            if (trimmed.equals("*") || trimmed.replaceFirst("^W/", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private void bundles(Exchange exchange, String method, int depth) throws IOException {
        String[] path = exchange.path;
        if (depth == 0 && method.equals("POST")) {
            requireAdmin(exchange);
            Path upload = control.blobs().scratch();
            try {
                exchange.saveBody(upload, maxBundleBytes);
                Publisher.Published published;
                try {
                    published = control.publisher().publish(upload);
                } catch (IOException e) {
                    throw new UncheckedIOException("publishing failed: " + e.getMessage(), e);
                }
                exchange.sendJson(published.created() ? 201 : 200, published);
            } finally {
                java.nio.file.Files.deleteIfExists(upload);
            }
        } else if (depth == 2 && method.equals("GET") && path[4].equals("manifest")) {
            caller(exchange);
            exchange.send(200, "application/json", control.registry().manifest(path[3]));
        } else if (depth == 2 && method.equals("GET") && path[4].equals("signature")) {
            caller(exchange);
            exchange.send(200, "application/json", control.registry().signature(path[3]));
        } else {
            throw noEndpoint(exchange);
        }
    }

    private void blob(Exchange exchange, String sha256) throws IOException {
        Path file = control.blobs().find(sha256).orElseThrow(() -> ControlException.notFound("no blob " + sha256));
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            exchange.setHeader("Accept-Ranges", "bytes");
            exchange.setHeader("ETag", "\"" + sha256 + "\"");
            exchange.setHeader("Content-Type", "application/octet-stream");
            String header = exchange.header("Range");
            long first = 0;
            long length = size;
            int status = 200;
            if (header != null) {
                ByteRange range = ByteRange.parse(header, size);
                if (range == null) {
                    exchange.setHeader("Content-Range", "bytes */" + size);
                    throw new HttpError(
                            416, "range '" + header + "' is not one satisfiable bytes=N- or bytes=N-M of " + size);
                }
                first = range.first();
                length = range.length();
                status = 206;
                exchange.setHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            exchange.http.sendResponseHeaders(status, length == 0 ? -1 : length);
            try (OutputStream out = exchange.http.getResponseBody()) {
                var sink = Channels.newChannel(out);
                long sent = 0;
                while (sent < length) {
                    sent += channel.transferTo(first + sent, length - sent, sink);
                }
            }
        }
    }

    private void issueToken(Exchange exchange) throws IOException {
        JsonNode body = exchange.json(JSON_LIMIT);
        Long ttl = Fields.optionalLong(body, "ttl_seconds");
        exchange.sendJson(
                201,
                control.fleet()
                        .issueToken(
                                Fields.optionalText(body, "group"),
                                Fields.labels(body, "labels"),
                                Duration.ofSeconds(ttl == null ? 24 * 3600 : ttl),
                                Fields.optionalLong(body, "uses")));
    }

    private void rollouts(Exchange exchange, String method, int depth) throws IOException {
        requireAdmin(exchange);
        String[] path = exchange.path;
        if (depth == 0 && method.equals("POST")) {
            long id = control.rollouts().start(RolloutSpec.parse(exchange.json(JSON_LIMIT)));
            exchange.sendJson(201, control.rollouts().view(id));
        } else if (depth == 0 && method.equals("GET")) {
            exchange.sendJson(200, control.rollouts().list());
        } else if (depth == 1 && method.equals("GET")) {
            exchange.sendJson(200, control.rollouts().view(rolloutId(path[3])));
        } else if (depth == 2 && method.equals("POST")) {
            long id = rolloutId(path[3]);
            control.rollouts().command(id, RolloutState.Command.ofWire(path[4]));
            exchange.sendJson(200, control.rollouts().view(id));
        } else {
            throw noEndpoint(exchange);
        }
    }

    private void alerts(Exchange exchange, String method, int depth) throws IOException {
        requireAdmin(exchange);
        String[] path = exchange.path;
        if (depth == 0 && method.equals("GET")) {
            exchange.sendJson(200, control.alerts().list(exchange.query("state")));
        } else if (depth == 2 && method.equals("POST") && path[4].equals("acknowledge")) {
            long id;
            try {
                id = Long.parseLong(path[3]);
            } catch (NumberFormatException e) {
                throw ControlException.notFound("no alert '" + path[3] + "'");
            }
            exchange.sendJson(200, control.alerts().acknowledge(id));
        } else {
            throw noEndpoint(exchange);
        }
    }

    /** The {@code minutes} query parameter as a span, 1 to 10080 (a week). */
    private static Duration span(Exchange exchange, long defaultMinutes) {
        String text = exchange.query("minutes");
        if (text == null) {
            return Duration.ofMinutes(defaultMinutes);
        }
        try {
            long minutes = Long.parseLong(text);
            if (minutes >= 1 && minutes <= 10080) {
                return Duration.ofMinutes(minutes);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ControlException.invalid("minutes must be a whole number from 1 to 10080, got '" + text + "'");
    }

    private static long rolloutId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ControlException.notFound("no rollout '" + text + "'");
        }
    }

    /** Who sends a request: the operator (the admin token) or an enrolled device (its credential). */
    sealed interface Caller {
        record Admin() implements Caller {}

        record Device(String id, long desiredRevision) implements Caller {}
    }

    private Caller caller(Exchange exchange) {
        String header = exchange.header("Authorization");
        if (header == null || !header.startsWith("Bearer ") || header.length() == 7) {
            throw ControlException.unauthenticated("missing 'Authorization: Bearer <credential>'");
        }
        String token = header.substring(7).trim();
        if (Secrets.matches(token, adminToken)) {
            return new Caller.Admin();
        }
        Fleet.AuthenticatedDevice device = control.fleet().authenticate(token);
        return new Caller.Device(device.id(), device.desiredRevision());
    }

    private void requireAdmin(Exchange exchange) {
        if (!(caller(exchange) instanceof Caller.Admin)) {
            throw ControlException.forbidden("operator endpoint: a device credential is not enough");
        }
    }

    private static void expect(Exchange exchange, boolean matches) {
        if (!matches) {
            throw noEndpoint(exchange);
        }
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

    private static ControlException noEndpoint(Exchange exchange) {
        return ControlException.notFound("no endpoint " + exchange.method() + " "
                + exchange.http.getRequestURI().getPath());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.close();
    }
}
