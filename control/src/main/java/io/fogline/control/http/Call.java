package io.fogline.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Json;
import io.fogline.core.device.ProtocolJson;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP request and its answer, with the route's path parameters, the caller its credential proves, and the body
 * limits and JSON writing the control plane's endpoints share. Its handler runs on a thread of its own, off the event
 * loop: the body is read and the answer written through blocking streams that wait on the connection.
 */
public final class Call {

    private static final String JSON_TYPE = "application/json";
    private static final long LINGER_BYTES = 4L * 1024 * 1024;

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final RequestBody body;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private Map<String, String> parameters = Map.of();
    private Caller caller = new Caller.Anonymous();

    /** Call on the request's event loop, before it returns. */
    Call(HttpServerRequest request, Context context) {
        this.request = request;
        this.response = request.response();
        this.context = context;
        this.body = new RequestBody(request, context);
        response.closeHandler(gone -> {
            closed.complete(null);
            body.connectionClosed();
        });
    }

    String clientAddress() {
        return request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }

    void matched(Map<String, String> routeParameters, Caller who) {
        this.parameters = routeParameters;
        this.caller = who;
    }

    /** A parameter of the route's path pattern. */
    String parameter(String name) {
        return parameters.get(name);
    }

    Caller caller() {
        return caller;
    }

    /** The path, percent-decoded. */
    String path() {
        try {
            return new URI(request.path()).getPath();
        } catch (URISyntaxException e) {
            throw new HttpError(400, "malformed path: " + e.getMessage());
        }
    }

    String method() {
        return request.method().name();
    }

    String header(String name) {
        return request.getHeader(name);
    }

    /** The query as sent, still percent-encoded; null when there is none. */
    String rawQuery() {
        return request.query();
    }

    String query(String name) {
        String query = rawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The body as JSON, refused with 413 past {@code limit} bytes. */
    JsonNode json(long limit) throws IOException {
        return Json.parse(bytes(limit));
    }

    /** The body as a message of the device protocol, refused naming what is wrong. */
    <T> T message(Class<T> type, long limit) throws IOException {
        try {
            return ProtocolJson.read(bytes(limit), type);
        } catch (IllegalArgumentException e) {
            throw ControlException.invalid(e.getMessage());
        }
    }

    byte[] bytes(long limit) throws IOException {
        refuseDeclaredOver(limit);
        try (InputStream in = body) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        }
    }

    /** Streams the body into {@code file}, refused with 413 past {@code limit} bytes. */
    void saveBody(Path file, long limit) throws IOException {
        refuseDeclaredOver(limit);
        try (InputStream in = body) {
            Files.copy(new LimitedInputStream(in, limit), file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void refuseDeclaredOver(long limit) throws IOException {
        String declared = header("Content-Length");
        if (declared != null && declaredLength(declared) > limit) {
            throw tooLarge(limit);
        }
    }

    private static long declaredLength(String declared) {
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "Content-Length '" + declared + "' is not a number");
        }
    }

    static HttpError tooLarge(long limit) {
        return new HttpError(413, "request body is over the limit of " + limit + " bytes");
    }

    void sendJson(int status, Object value) throws IOException {
        send(status, JSON_TYPE, Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    void sendError(int status, String message) throws IOException {
        sendJson(status, Map.of("error", message));
    }

    void send(int status, String type, byte[] bytes) throws IOException {
        response.putHeader("Content-Type", type);
        answer(status).end(Buffer.buffer(bytes));
    }

    void sendEmpty(int status) throws IOException {
        answer(status).end();
    }

    /** Streams an answer of {@code length} bytes; closing the stream ends it. */
    OutputStream sendStream(int status, long length) throws IOException {
        answer(status).putHeader("Content-Length", String.valueOf(length));
        return new ResponseBody(response, context, closed);
    }

    void setHeader(String name, String value) {
        response.putHeader(name, value);
    }

    /** Whether the answer's status line has been sent, so that an error can no longer be answered. */
    boolean answered() {
        return response.headWritten();
    }

    private HttpServerResponse answer(int status) throws IOException {
        if (closed.isDone()) {
            throw new IOException("the client closed the connection");
        }
        return response.setStatusCode(status);
    }

    /**
     * After the handler: the rest of a body the handler did not read is read and dropped, up to
     * {@link #LINGER_BYTES}, so the connection can take its next request, and the client still sending a refused body
     * reads its answer rather than a reset. Past that, or when the answer could not be completed, the connection is
     * closed.
     */
    void finish() {
        boolean complete = response.ended();
        context.runOnContext(after -> {
            if (!complete) {
                request.connection().close();
                return;
            }
            if (!request.isEnded()) {
                long[] dropped = {0};
                request.handler(chunk -> {
                    if ((dropped[0] += chunk.length()) > LINGER_BYTES) {
                        request.connection().close();
                    }
                });
                request.resume();
            }
        });
    }

    /** Stops reading after {@code limit} bytes with a 413, so an endless upload never fills the disk. */
    private static final class LimitedInputStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private long read;

        LimitedInputStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0 && (read += n) > limit) {
                throw tooLarge(limit);
            }
            return n;
        }
    }
}
