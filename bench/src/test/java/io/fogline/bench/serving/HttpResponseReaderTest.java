package io.fogline.bench.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    @Test
    void readsResponsesOneAfterAnotherFromOneConnection() throws IOException {
        HttpResponseReader reader = new HttpResponseReader(
                stream("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                        + "HTTP/1.1 400 Bad Request\r\nContent-Length: 13\r\n\r\n{\"error\":\"x\"}"));

        assertThat(reader.next()).isEqualTo(200);
        assertThat(reader.body()).asString(StandardCharsets.UTF_8).isEqualTo("{}");
        assertThat(reader.next()).isEqualTo(400);
        assertThat(reader.body()).asString(StandardCharsets.UTF_8).isEqualTo("{\"error\":\"x\"}");
    }

    @Test
    void assemblesAResponseThatArrivesAByteAtATime() throws IOException {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 7);
        byte[] head = ("HTTP/1.1 200 OK\r\nInference-Header-Content-Length: 42\r\nContent-Length: " + body.length
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        HttpResponseReader reader = new HttpResponseReader(oneByteAtATime(concat(head, body)));

        assertThat(reader.next()).isEqualTo(200);
        assertThat(reader.body()).isEqualTo(body);
        assertThat(reader.header("inference-header-content-length")).isEqualTo("42");
        assertThat(reader.header("Content-Length")).isEqualTo("100000");
        assertThat(reader.header("content-type")).isNull();
    }

    @Test
    void readsAnEmptyBody() throws IOException {
        HttpResponseReader reader = new HttpResponseReader(stream("HTTP/1.1 503 Service Unavailable\r\n"
                + "content-length: 0\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx"));

        assertThat(reader.next()).isEqualTo(503);
        assertThat(reader.body()).isEmpty();
        assertThat(reader.next()).isEqualTo(200);
        assertThat(reader.body()).containsExactly('x');
    }

    @Test
    void refusesAResponseWithoutContentLength() {
        HttpResponseReader reader =
                new HttpResponseReader(stream("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n"));

        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }

    @Test
    void reportsAConnectionClosedInsideABody() {
        HttpResponseReader reader = new HttpResponseReader(stream("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"));

        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static InputStream oneByteAtATime(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                return super.read(buffer, offset, Math.min(1, length));
            }
        };
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
