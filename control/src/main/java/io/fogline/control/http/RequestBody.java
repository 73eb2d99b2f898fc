package io.fogline.control.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A request's body as a blocking stream for a handler on its own thread. The request stays paused and each read that
 * finds nothing buffered asks the event loop for one more chunk, so a slow handler holds at most one chunk, and a
 * client that stops sending blocks only its own handler (until the listener's request timeout closes it).
 */
final class RequestBody extends InputStream {

    private static final Object END = new Object();

    private final HttpServerRequest request;
    private final Context context;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private Buffer chunk = Buffer.buffer();
    private int position;
    private boolean ended;

    /** Call on the request's event loop, before it returns: the request is paused until a read asks for more. */
    RequestBody(HttpServerRequest request, Context context) {
        this.request = request;
        this.context = context;
        request.pause();
        request.handler(arrived::add);
        request.endHandler(ended -> arrived.add(END));
        request.exceptionHandler(arrived::add);
    }

    /** The connection closed before the body ended: a read waiting for it fails instead of waiting forever. */
    void connectionClosed() {
        arrived.add(new IOException("the client closed the connection"));
    }

    /** Whether the whole body was read. */
    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == chunk.length()) {
            if (ended) {
                return -1;
            }
            next();
        }
        int n = Math.min(length, chunk.length() - position);
        chunk.getBytes(position, position + n, buffer, offset);
        position += n;
        return n;
    }

    private void next() throws IOException {
        context.runOnContext(ask -> request.fetch(1));
        Object next;
        try {
            next = arrived.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the request body", e);
        }
        if (next == END) {
            ended = true;
        } else if (next instanceof Buffer buffer) {
            chunk = buffer;
            position = 0;
        } else if (next instanceof IOException e) {
            throw e;
        } else {
            throw new IOException("reading the request body failed: " + next, (Throwable) next);
        }
    }
}
