package io.fogline.control.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.fogline.control.common.ControlException;
import io.fogline.control.common.Json;
import io.fogline.core.device.ProtocolJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * One HTTP request and its answer, with the route's path parameters, the caller its credential proves, and the body
 * limits and JSON writing the control plane's endpoints share.
 */
public final class Call {

    private static final String JSON_TYPE = "application/json";
    private static final long LINGER_BYTES = 4L * 1024 * 1024;

    final HttpExchange http;
    private Map<String, String> parameters = Map.of();
    private Caller caller = new Caller.Anonymous();

    Call(HttpExchange http) {
        this.http = http;
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

    String path() {
        return http.getRequestURI().getPath();
    }

    String method() {
        return http.getRequestMethod();
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    String query(String name) {
        String query = http.getRequestURI().getQuery();
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
        try (InputStream body = http.getRequestBody()) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        }
    }

    /** Streams the body into {@code file}, refused with 413 past {@code limit} bytes. */
    void saveBody(Path file, long limit) throws IOException {
        refuseDeclaredOver(limit);
        try (InputStream body = http.getRequestBody()) {
            Files.copy(new LimitedInputStream(body, limit), file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    void refuseDeclaredOver(long limit) throws IOException {
        String declared = header("Content-Length");
        if (declared != null && Long.parseLong(declared.trim()) > limit) {
            discardSome();
            throw tooLarge(limit);
        }
    }

    /**
     * Reads and drops up to {@link #LINGER_BYTES} of a refused body. Closing a connection with unread input makes the
     * kernel send a reset that can destroy the 413 before the client reads it.
     */
    private void discardSome() {
        InputStream body = http.getRequestBody();
        byte[] buffer = new byte[64 * 1024];
        long dropped = 0;
        int n;
        try {
            while (dropped < LINGER_BYTES && (n = body.read(buffer)) > 0) {
                dropped += n;
            }
        } catch (IOException e) {
            // the client stopped sending what it declared: it still gets its answer
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

    void send(int status, String type, byte[] body) throws IOException {
        http.getResponseHeaders().set("Content-Type", type);
        http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }

    void sendEmpty(int status) throws IOException {
        http.sendResponseHeaders(status, -1);
        http.close();
    }

    void setHeader(String name, String value) {
        http.getResponseHeaders().set(name, value);
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
