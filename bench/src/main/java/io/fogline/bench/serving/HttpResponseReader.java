package io.fogline.bench.serving;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses one after another from a keep-alive connection: the status line, the headers, and as many
 * body bytes as {@code Content-Length} says. Written for the load generator alone, so that a measurement never runs
 * through the server's own HTTP stack; it knows only what the node sends (no chunked bodies, no 1xx answers).
 */
final class HttpResponseReader {

    private final InputStream in;
    private byte[] buffer = new byte[16 * 1024];
    /** Unread bytes are {@code buffer[start, end)}. */
    private int start;

    private int end;
    private int headerOffset;
    private int bodyOffset;
    private int bodyLength;

    HttpResponseReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next whole response.
     *
     * @return its status code
     */
    int next() throws IOException {
        int headerBytes = awaitHeaderEnd() - start;
        int status = parseStatus(start);
        String contentLength = header(start, start + headerBytes, "content-length");
        if (contentLength == null) {
            throw new IOException("response without Content-Length: " + text(start, start + headerBytes));
        }
        bodyLength = Integer.parseInt(contentLength);
        fill(headerBytes + bodyLength);
        headerOffset = start;
        bodyOffset = start + headerBytes;
        start = bodyOffset + bodyLength;
        return status;
    }

    /** A header of the response {@link #next} read last, or null; names are case-insensitive. */
    String header(String name) {
        return header(headerOffset, bodyOffset, name.toLowerCase(Locale.ROOT));
    }

    /** The body of the response {@link #next} read last. */
    byte[] body() {
        return Arrays.copyOfRange(buffer, bodyOffset, bodyOffset + bodyLength);
    }

    /** Index just past the blank line that ends the headers, reading until it has arrived. */
    private int awaitHeaderEnd() throws IOException {
        while (true) {
            // Headers are a few hundred bytes: scanning them again after each read costs less than tracking progress.
            for (int i = start + 3; i < end; i++) {
                if (buffer[i] == '\n' && buffer[i - 1] == '\r' && buffer[i - 2] == '\n' && buffer[i - 3] == '\r') {
                    return i + 1;
                }
            }
            fill(end - start + 1);
        }
    }

    /** The code of a status line such as {@code HTTP/1.1 200 OK}: the three digits after the first space. */
    private int parseStatus(int from) throws IOException {
        int space = from;
        while (buffer[space] != ' ' && buffer[space] != '\n') {
            space++;
        }
        int code = 0;
        for (int i = space + 1; i < space + 4; i++) {
            int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IOException("malformed status line: " + text(from, space + 4));
            }
            code = code * 10 + digit;
        }
        return code;
    }

    /** The trimmed value of the header {@code lowerCaseName} among the header lines in {@code [from, to)}. */
    private String header(int from, int to, String lowerCaseName) {
        int line = from;
        while (line < to) {
            int lineEnd = line;
            while (lineEnd < to && buffer[lineEnd] != '\n') {
                lineEnd++;
            }
            if (nameMatches(line, lineEnd, lowerCaseName)) {
                return text(line + lowerCaseName.length() + 1, lineEnd).trim();
            }
            line = lineEnd + 1;
        }
        return null;
    }

    private boolean nameMatches(int line, int lineEnd, String lowerCaseName) {
        int length = lowerCaseName.length();
        if (lineEnd - line <= length || buffer[line + length] != ':') {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.toLowerCase((char) buffer[line + i]) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads until at least {@code bytes} unread bytes are buffered. The unread bytes move to the front of the buffer
     * first, so {@code start} becomes 0: callers hold offsets relative to it across this call.
     */
    private void fill(int bytes) throws IOException {
        if (end - start >= bytes) {
            return;
        }
        if (bytes > buffer.length) {
            buffer = Arrays.copyOfRange(buffer, start, start + Math.max(bytes, buffer.length * 2));
        } else {
            System.arraycopy(buffer, start, buffer, 0, end - start);
        }
        end -= start;
        start = 0;
        while (end < bytes) {
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                throw new EOFException("the server closed the connection");
            }
            end += read;
        }
    }

    private String text(int from, int to) {
        return new String(buffer, from, Math.min(to, end) - from, StandardCharsets.ISO_8859_1);
    }
}
