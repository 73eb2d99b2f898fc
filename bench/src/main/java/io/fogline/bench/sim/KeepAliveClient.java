package io.fogline.bench.sim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * A small blocking HTTP/1.1 client over a capped pool of keep-alive sockets, for thousands of virtual threads. The
 * JDK's HttpClient spent more CPU than the control plane it measured (JFR, 3,000 devices: 37% of samples against 28%
 * for the server and its database calls), and the simulator shares the machine with the server. It speaks only what
 * the control plane answers: a status line, headers, and a {@code Content-Length} body (none for 304).
 */
final class KeepAliveClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 30_000;

    /** An answer: header names in lower case. */
    record Response(int status, Map<String, String> headers, byte[] body) {}

    private final InetSocketAddress server;
    private final String hostHeader;
    private final Semaphore slots;
    private final BlockingQueue<Connection> idle;

    KeepAliveClient(String host, int port, int connections) {
        this.server = new InetSocketAddress(host, port);
        this.hostHeader = host + ":" + port;
        this.slots = new Semaphore(connections);
        this.idle = new ArrayBlockingQueue<>(connections);
    }

    Response send(String method, String path, Map<String, String> headers, byte[] body) throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try {
            Connection reused = idle.poll();
            if (reused != null) {
                try {
                    return exchange(reused, method, path, headers, body);
                } catch (IOException e) {
                    // the server may have closed an idle connection: one more try on a fresh one
                    reused.close();
                }
            }
            return exchange(new Connection(server), method, path, headers, body);
        } finally {
            slots.release();
        }
    }

    private Response exchange(
            Connection connection, String method, String path, Map<String, String> headers, byte[] body)
            throws IOException {
        try {
            StringBuilder head = new StringBuilder(256)
                    .append(method)
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: ")
                    .append(hostHeader)
                    .append("\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            connection.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                connection.out.write(body);
            }
            connection.out.flush();
            Response response = read(connection.in);
            if ("close".equalsIgnoreCase(response.headers().get("connection")) || !idle.offer(connection)) {
                connection.close();
            }
            return response;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: '" + status + "'");
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new java.util.HashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new IOException("a chunked answer; this client reads Content-Length bodies only");
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new Response(code, headers, in.readNBytes(length));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the connection closed mid-answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Connection(InetSocketAddress server) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(server, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken: nothing left to release
            }
        }
    }

    @Override
    public void close() {
        for (Connection connection = idle.poll(); connection != null; connection = idle.poll()) {
            connection.close();
        }
    }
}
