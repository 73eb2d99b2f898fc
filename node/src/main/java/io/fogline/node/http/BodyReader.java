package io.fogline.node.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before a byte of the body
 * is read; a chunked body is refused as soon as it passes the limit, so a huge body never sits in memory whole. A
 * client that waits for {@code 100 Continue} before sending its body (curl does, for bodies over 1 MiB) gets it once
 * the body's declared length is accepted, and a 413 instead of it otherwise.
 */
final class BodyReader {

    /**
     * After a refusal, this much more of the body is read and dropped before the connection closes. Closing a socket
     * with unread input makes the kernel send a reset that can destroy the 413 before the client reads it; a client
     * that sends more than this does not get to see it.
     */
    private static final long LINGER_BYTES = 4L * 1024 * 1024;

    private static final long LINGER_MILLIS = 2_000;

    private BodyReader() {}

    /**
     * @param onBody receives the whole body
     * @param refuse called instead when the body is over the limit; answers the request and returns the write
     */
    static void read(HttpServerRequest request, long limit, Consumer<Buffer> onBody, Supplier<Future<Void>> refuse) {
        long declared = declaredLength(request);
        if (declared > limit) {
            refuseAndLinger(request, declared - limit <= LINGER_BYTES, refuse);
            return;
        }
        if (request.headers().contains("Expect", "100-continue", true)) {
            request.response().writeContinue();
        }
        Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                refuseAndLinger(request, true, refuse);
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> onBody.accept(body));
    }

    private static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader("Content-Length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static void refuseAndLinger(HttpServerRequest request, boolean drain, Supplier<Future<Void>> refuse) {
        HttpConnection connection = request.connection();
        if (!drain) {
            request.handler(null);
            request.endHandler(null);
            refuse.get().onComplete(written -> connection.close());
            return;
        }
        long[] dropped = {0};
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES) {
                connection.close();
            }
        });
        request.endHandler(end -> connection.close());
        refuse.get();
        Vertx.currentContext().owner().setTimer(LINGER_MILLIS, timer -> connection.close());
    }
}
