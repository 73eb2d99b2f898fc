package io.fogline.node.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fogline.bundle.Sha256;
import io.fogline.core.device.DesiredModel;
import io.fogline.core.device.DesiredState;
import io.fogline.core.device.Enrolment;
import io.fogline.core.device.Feedback;
import io.fogline.core.device.ProtocolJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A stand-in for the control plane (module {@code control}): the device endpoints of docs/protocol.md, in memory,
 * over real HTTP, so the agent's tests need no database. It serves whatever it is given, hostile bundles included,
 * and records what devices asked for and reported.
 */
final class ControlPlaneStandIn implements AutoCloseable {

    static final String TOKEN = "enrolment-token";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> signatures = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, List<DesiredModel>> desired = new ConcurrentHashMap<>();
    private final Map<String, List<JsonNode>> reports = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final List<String> blobRequests = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> deltas = new ConcurrentHashMap<>();
    private final List<String> deltaRequests = new CopyOnWriteArrayList<>();
    private volatile byte[] keyList;
    private volatile String stalledBlob;
    private volatile CountDownLatch stall = new CountDownLatch(0);
    private final URI uri;
    private boolean closed;

    ControlPlaneStandIn() throws IOException {
        this(0);
    }

    ControlPlaneStandIn(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/", this::handle);
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    URI uri() {
        return uri;
    }

    /** Serves a bundle file's manifest, signature and files as they are, unchecked; returns its digest. */
    String publish(Path fbundle) throws IOException {
        return publish(fbundle, Map.of());
    }

    /** As {@link #publish(Path)}, serving {@code replaced} bytes for some paths instead of the bundle's own. */
    String publish(Path fbundle, Map<String, byte[]> replaced) throws IOException {
        try (ZipFile zip = new ZipFile(fbundle.toFile())) {
            byte[] manifest = read(zip, "manifest.json");
            String digest = Sha256.of(manifest);
            manifests.put(digest, manifest);
            signatures.put(digest, read(zip, "signature.json"));
            for (JsonNode file : JSON.readTree(manifest).path("files")) {
                String path = file.get("path").textValue();
                byte[] bytes = replaced.containsKey(path) ? replaced.get(path) : read(zip, path);
                if (bytes != null) {
                    blobs.put(file.get("sha256").textValue(), bytes);
                }
            }
            return digest;
        }
    }

    /** Serves a manifest and signature given as bytes, with the files of another bundle. */
    String publish(byte[] manifest, byte[] signature) {
        String digest = Sha256.of(manifest);
        manifests.put(digest, manifest);
        signatures.put(digest, signature);
        return digest;
    }

    void desire(String deviceId, DesiredModel... models) {
        desired.put(deviceId, List.of(models));
    }

    /** The reports applied for a device, in the order applied. */
    List<JsonNode> reports(String deviceId) {
        return List.copyOf(reports.getOrDefault(deviceId, List.of()));
    }

    /** The report that ended an action (switched or failed), or null while it runs. */
    JsonNode outcome(String deviceId, long actionId) {
        return reports(deviceId).stream()
                .filter(r -> r.path("action_id").asLong() == actionId)
                .filter(r -> r.path("status").asText().matches("switched|failed"))
                .findFirst()
                .orElse(null);
    }

    /** "sha256 range" of every blob request, range "-" when none was asked for. */
    List<String> blobRequests() {
        return List.copyOf(blobRequests);
    }

    /** Serves {@code delta}, as it is, for rebuilding blob {@code target} from blob {@code base}. */
    void offerDelta(String base, String target, byte[] delta) {
        deltas.put(base + "/" + target, delta);
    }

    /** Serves {@code document}, as it is, as the signed key list. */
    void serveKeyList(byte[] document) {
        keyList = document;
    }

    /** "base/target" of every delta request. */
    List<String> deltaRequests() {
        return List.copyOf(deltaRequests);
    }

    /** Makes the next download of {@code sha256} stop after its first 16 KiB until {@link #release()}. */
    void stallAfterFirstChunk(String sha256) {
        stall = new CountDownLatch(1);
        stalledBlob = sha256;
    }

    void release() {
        stalledBlob = null;
        stall.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] path = exchange.getRequestURI()
                    .getPath()
                    .substring("/api/v1/".length())
                    .split("/");
            String method = exchange.getRequestMethod();
            if (path.length == 1 && path[0].equals("enrol") && method.equals("POST")) {
                enrol(exchange);
                return;
            }
            String device = authorized(exchange);
            if (device == null) {
                answer(exchange, 401, "{\"error\":\"missing or wrong credential\"}");
            } else if (path.length == 3 && path[0].equals("devices") && path[2].equals("desired")) {
                if (!path[1].equals(device)) {
                    answer(exchange, 403, "{\"error\":\"another device's state\"}");
                } else {
                    desired(exchange, device);
                }
            } else if (path.length == 3 && path[0].equals("devices") && path[2].equals("feedback")) {
                feedback(exchange, device);
            } else if (path.length == 3 && path[0].equals("bundles")) {
                byte[] document = (path[2].equals("manifest") ? manifests : signatures).get(path[1]);
                answer(
                        exchange,
                        document == null ? 404 : 200,
                        document == null ? bytes("{\"error\":\"no bundle\"}") : document);
            } else if (String.join("/", path).equals("trust/key-list")) {
                byte[] document = keyList;
                answer(
                        exchange,
                        document == null ? 404 : 200,
                        document == null ? bytes("{\"error\":\"no key list\"}") : document);
            } else if (path.length == 3 && path[0].equals("deltas")) {
                deltaRequests.add(path[1] + "/" + path[2]);
                byte[] delta = deltas.get(path[1] + "/" + path[2]);
                answer(exchange, delta == null ? 404 : 200, delta == null ? bytes("{\"error\":\"no delta\"}") : delta);
            } else if (path.length == 2 && path[0].equals("blobs")) {
                blob(exchange, path[1]);
            } else {
                answer(exchange, 404, "{\"error\":\"no endpoint\"}");
            }
        }
    }

    private void enrol(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (!TOKEN.equals(body.path("token").asText())) {
            answer(exchange, 401, "{\"error\":\"unknown or expired enrolment token\"}");
            return;
        }
        String device = body.path("device_id").asText();
        String credential = UUID.randomUUID().toString();
        credentials.put(credential, device);
        answer(exchange, 201, ProtocolJson.write(new Enrolment.Enrolled(device, credential)));
    }

    private String authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header == null || !header.startsWith("Bearer ") ? null : credentials.get(header.substring(7));
    }

    private void desired(HttpExchange exchange, String device) throws IOException {
        byte[] body = ProtocolJson.write(new DesiredState(1, desired.getOrDefault(device, List.of())));
        String etag = "\"" + Sha256.of(body).substring(0, 16) + "\"";
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        exchange.getResponseHeaders().set("ETag", etag);
        answer(exchange, 200, body);
    }

    private synchronized void feedback(HttpExchange exchange, String device) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        long seq;
        try {
            seq = ProtocolJson.read(body, Feedback.class).seq();
        } catch (IllegalArgumentException e) {
            answer(
                    exchange,
                    400,
                    JSON.createObjectNode().put("error", e.getMessage()).toString());
            return;
        }
        JsonNode report = JSON.readTree(body);
        boolean fresh = seq > lastSeq.getOrDefault(device, 0L);
        if (fresh) {
            lastSeq.put(device, seq);
            reports.computeIfAbsent(device, key -> new CopyOnWriteArrayList<>()).add(report);
        }
        answer(exchange, 200, "{\"accepted\":" + fresh + "}");
    }

    private void blob(HttpExchange exchange, String sha256) throws IOException {
        byte[] blob = blobs.get(sha256);
        String range = exchange.getRequestHeaders().getFirst("Range");
        blobRequests.add(sha256 + " " + (range == null ? "-" : range));
        if (blob == null) {
            answer(exchange, 404, "{\"error\":\"no blob\"}");
            return;
        }
        int from = 0;
        if (range != null) {
            from = Integer.parseInt(range.replaceAll("bytes=([0-9]+)-", "$1"));
            if (from >= blob.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + blob.length);
                answer(exchange, 416, "{\"error\":\"range not satisfiable\"}");
                return;
            }
            exchange.getResponseHeaders()
                    .set("Content-Range", "bytes " + from + "-" + (blob.length - 1) + "/" + blob.length);
        }
        exchange.sendResponseHeaders(range == null ? 200 : 206, blob.length - from);
        OutputStream out = exchange.getResponseBody();
        if (sha256.equals(stalledBlob)) {
            int first = Math.min(16 * 1024, blob.length - from);
            out.write(blob, from, first);
            out.flush();
            from += first;
            try {
                stall.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.write(Arrays.copyOfRange(blob, from, blob.length));
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        answer(exchange, status, bytes(body));
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    private static byte[] read(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        return entry == null ? null : zip.getInputStream(entry).readAllBytes();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    List<String> statuses(String deviceId, long actionId) {
        List<String> statuses = new ArrayList<>();
        for (JsonNode report : reports(deviceId)) {
            if (report.path("action_id").asLong() == actionId) {
                statuses.add(report.path("status").asText());
            }
        }
        return statuses;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release();
            server.stop(0);
        }
    }
}
