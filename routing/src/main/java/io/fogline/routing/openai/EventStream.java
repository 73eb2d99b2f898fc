package io.fogline.routing.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The {@code data:} payloads of a server-sent event stream, one per event, up to the {@code [DONE]} that OpenAI's
 * streams end with. Comments, event names and ids are skipped: chat completion streams carry only data.
 */
public final class EventStream implements AutoCloseable {

    public static final String DONE = "[DONE]";

    private final InputStream in;
    private final BufferedReader reader;
    private String peeked;

    EventStream(InputStream in) {
        this.in = in;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    String peekFirst() throws IOException {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    /** The next event's data, {@link #DONE} at the end marker, or null when the stream ended without one. */
    public String next() throws IOException {
        if (peeked != null) {
            String first = peeked;
            peeked = null;
            return first;
        }
        return read();
    }

    private String read() throws IOException {
        StringBuilder data = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }

    /** Ends the stream; a read blocked in another thread fails at once (the reader's own lock is not taken). */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // Closing a stream whose connection is gone has nothing left to release.
        }
    }
}
