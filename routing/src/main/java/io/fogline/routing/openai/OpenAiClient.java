package io.fogline.routing.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fogline.routing.upstream.UpstreamException;
import io.fogline.routing.upstream.UpstreamHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A client of one OpenAI-compatible chat endpoint: whole answers and server-sent event streams. */
public final class OpenAiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Closes streams whose first event is late: a blocked read ends only when its stream is closed. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fogline-openai-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final HttpClient http;
    private final ChatUpstream upstream;

    public OpenAiClient(HttpClient http, ChatUpstream upstream) {
        this.http = http;
        this.upstream = upstream;
    }

    public ChatUpstream upstream() {
        return upstream;
    }

    /** Sends a non-streaming request and returns the answer's JSON. */
    public JsonNode complete(ObjectNode body, Duration timeout) throws UpstreamException {
        HttpResponse<byte[]> response =
                UpstreamHttp.send(http, request(body, timeout), HttpResponse.BodyHandlers.ofByteArray(), timeout);
        byte[] answer = response.body();
        if (response.statusCode() != 200) {
            throw UpstreamHttp.statusError(response.statusCode(), upstream.completionsUri(), answer);
        }
        try {
            JsonNode json = JSON.readTree(answer);
            if (!json.path("choices").isArray()) {
                throw new IOException("no 'choices' array");
            }
            return json;
        } catch (IOException e) {
            throw new UpstreamException(
                    UpstreamException.Kind.BAD_RESPONSE,
                    "unreadable answer from " + upstream.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Starts a streaming request and waits for its first event, so that a failure before anything was passed on can
     * still go to the next upstream.
     */
    public EventStream stream(ObjectNode body, Duration timeout) throws UpstreamException {
        HttpResponse<InputStream> response =
                UpstreamHttp.send(http, request(body, timeout), HttpResponse.BodyHandlers.ofInputStream(), timeout);
        InputStream in = response.body();
        if (response.statusCode() != 200) {
            byte[] error;
            try (in) {
                error = in.readNBytes(300);
            } catch (IOException e) {
                error = new byte[0];
            }
            throw UpstreamHttp.statusError(response.statusCode(), upstream.completionsUri(), error);
        }
        EventStream events = new EventStream(in);
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(events::close, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            if (events.peekFirst() == null) {
                throw new UpstreamException(
                        UpstreamException.Kind.BAD_RESPONSE, upstream.name() + " ended its stream without an event");
            }
            return events;
        } catch (IOException e) {
            events.close();
            throw watchdog.isDone()
                    ? new UpstreamException(
                            UpstreamException.Kind.TIMEOUT,
                            "no event from " + upstream.name() + " within " + timeout.toMillis() + " ms")
                    : new UpstreamException(
                            UpstreamException.Kind.UNREACHABLE, upstream.name() + " broke its stream: " + e, e);
        } finally {
            watchdog.cancel(false);
        }
    }

    private HttpRequest request(ObjectNode body, Duration timeout) {
        ObjectNode sent = body.deepCopy();
        if (upstream.model() != null) {
            sent.put("model", upstream.model());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(upstream.completionsUri())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonBytes.of(sent)));
        if (sent.path("stream").asBoolean(false)) {
            builder.header("Accept", "text/event-stream");
        }
        if (upstream.apiKey() != null) {
            builder.header("Authorization", "Bearer " + upstream.apiKey());
        }
        return builder.build();
    }
}
