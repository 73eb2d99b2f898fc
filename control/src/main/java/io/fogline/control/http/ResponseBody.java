package io.fogline.control.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A streamed answer for a handler on its own thread: writes wait while the connection's write queue is full, so a
 * blob of any size is served in the memory of a few chunks, and a client that stops reading holds one thread.
 */
final class ResponseBody extends OutputStream {

    private final HttpServerResponse response;
    private final Context context;
    private final CompletableFuture<Void> closed;

    ResponseBody(HttpServerResponse response, Context context, CompletableFuture<Void> closed) {
        this.response = response;
        this.context = context;
        this.closed = closed;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed.isDone()) {
            throw new IOException("the client closed the connection");
        }
        response.write(Buffer.buffer(Arrays.copyOfRange(bytes, offset, offset + length)));
        if (response.writeQueueFull()) {
            CompletableFuture<Void> drained = new CompletableFuture<>();
            context.runOnContext(check -> {
                if (response.writeQueueFull()) {
                    response.drainHandler(drain -> drained.complete(null));
                } else {
                    drained.complete(null);
                }
            });
            try {
                CompletableFuture.anyOf(drained, closed).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending", e);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (closed.isDone()) {
            throw new IOException("the client closed the connection");
        }
        response.end();
    }
}
