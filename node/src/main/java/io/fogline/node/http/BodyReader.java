package io.fogline.node.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Consumer;

/**
 * Reads a request body up to a limit. A declared Content-Length over the limit is refused before a byte of the body
 * is read; a chunked body is refused as soon as it passes the limit, so a huge body never sits in memory whole.
 */
final class BodyReader {

    private BodyReader() {}

    /**
     * @param onBody receives the whole body
     * @param onTooLarge called instead when the body is over the limit; the body is not read further
     */
    static void read(HttpServerRequest request, long limit, Consumer<Buffer> onBody, Runnable onTooLarge) {
        String declared = request.getHeader("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                length = Long.MAX_VALUE;
            }
        }
        if (length > limit) {
            onTooLarge.run();
            return;
        }
        Buffer body = Buffer.buffer(length > 0 ? (int) length : 1024);
        boolean[] refused = new boolean[1];
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                refused[0] = true;
                onTooLarge.run();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (!refused[0]) {
                onBody.accept(body);
            }
        });
    }
}
