package io.fogline.routing.upstream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One HTTP exchange with an upstream under a budget, its failures sorted into {@link UpstreamException} kinds. */
public final class UpstreamHttp {

    private UpstreamHttp() {}

    /**
     * Sends a request and waits at most {@code timeout} for the response that {@code handler} makes of it: the whole
     * body for a byte-array handler, the headers only for a streaming one.
     */
    public static <T> HttpResponse<T> send(
            HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration timeout)
            throws UpstreamException {
        CompletableFuture<HttpResponse<T>> pending = http.sendAsync(request, handler);
        try {
            // The client's own timeout stops waiting for headers only; this bounds the body and the connect as well.
            return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw timeout(request.uri(), timeout);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamException(
                    UpstreamException.Kind.TIMEOUT, "interrupted while waiting for " + request.uri());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                throw timeout(request.uri(), timeout);
            }
            // Refused, reset, no route, TLS failure: nothing usable answered.
            throw new UpstreamException(
                    UpstreamException.Kind.UNREACHABLE, request.uri() + " is unreachable: " + cause, cause);
        }
    }

    /** The failure a status other than 200 stands for, with the start of the body the upstream sent. */
    public static UpstreamException statusError(int status, URI uri, byte[] body) {
        String message = "HTTP " + status + " from " + uri + ": "
                + new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        UpstreamException.Kind kind = status >= 500 || status == 429
                ? UpstreamException.Kind.SERVER_ERROR
                : UpstreamException.Kind.CLIENT_ERROR;
        return new UpstreamException(kind, message);
    }

    private static UpstreamException timeout(URI uri, Duration timeout) {
        return new UpstreamException(
                UpstreamException.Kind.TIMEOUT, "no answer from " + uri + " within " + timeout.toMillis() + " ms");
    }
}
