package io.fogline.control.http;

import java.io.IOException;
import java.util.List;

/**
 * One endpoint: a method, a path pattern ({@code /api/v1/devices/{id}/desired}; a last segment {@code {name*}} takes
 * the rest of the path), who may call it, the largest body it takes, and its handler.
 *
 * @param action what the caller does there, in the refusal of a device that is not the one named
 *     ({@code "reports its feedback"}); null where the access needs no such words
 * @param maxBodyBytes a request that declares a longer body is refused with 413 before its handler runs or its body is
 *     read
 */
public record Route(String method, String pattern, Access access, String action, long maxBodyBytes, Handler handler) {

    /** What an endpoint takes unless it says otherwise: JSON documents of the API are far smaller. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public Route(String method, String pattern, Access access, String action, Handler handler) {
        this(method, pattern, access, action, DEFAULT_MAX_BODY_BYTES, handler);
    }

    public Route withMaxBody(long bytes) {
        return new Route(method, pattern, access, action, bytes, handler);
    }

    /** Answers one request that matched the route and passed its access check. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws IOException;
    }

    public static Route of(String method, String pattern, Access access, Handler handler) {
        return new Route(method, pattern, access, null, handler);
    }

    List<String> segments() {
        return Paths.segments(pattern);
    }
}
