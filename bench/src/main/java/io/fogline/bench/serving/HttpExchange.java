package io.fogline.bench.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection on a blocking socket that sends the same pre-encoded request again and again:
 * per request the client does one write, the reads of one response, and nothing else.
 */
final class HttpExchange implements Exchange {

    private final Socket socket;
    private final OutputStream out;
    private final HttpResponseReader responses;
    private final byte[] request;

    HttpExchange(InetSocketAddress server, byte[] request) throws IOException {
        this.socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, 5_000);
        this.out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        this.responses = new HttpResponseReader(in);
        this.request = request;
    }

    /** The bytes of a POST with the given body, headers as a v2 client sends them. */
    static byte[] post(InetSocketAddress server, String path, String contentType, int jsonHeaderLength, byte[] body) {
        StringBuilder head = new StringBuilder(256)
                .append("POST ")
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(server.getHostString())
                .append(':')
                .append(server.getPort())
                .append("\r\nContent-Type: ")
                .append(contentType)
                .append("\r\nContent-Length: ")
                .append(body.length)
                .append("\r\n");
        if (jsonHeaderLength >= 0) {
            head.append("Inference-Header-Content-Length: ")
                    .append(jsonHeaderLength)
                    .append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, message, 0, headBytes.length);
        System.arraycopy(body, 0, message, headBytes.length, body.length);
        return message;
    }

    /** The bytes of a GET without a body. */
    static byte[] get(InetSocketAddress server, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort() + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void exchange() throws IOException {
        int status = send();
        if (status != 200) {
            throw new IOException("HTTP " + status + ": " + new String(responses.body(), StandardCharsets.UTF_8));
        }
    }

    /** Sends the request and reads the response; returns its status, leaving its headers and body readable. */
    int send() throws IOException {
        out.write(request);
        out.flush();
        return responses.next();
    }

    HttpResponseReader lastResponse() {
        return responses;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
