package io.fogline.bench.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The machine's own round trip, measured beside the node: a blocking socket in this process that sends each request's
 * bytes straight back, with no HTTP and no model. Its client pays what a client of any server on these cores pays, a
 * write and the reads of the answer, and its server a read and a write, with the wake-ups between them. How far its
 * p99 lies above its p50 is the tail this machine gives a lone round trip by itself.
 */
final class LoopbackEcho implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private LoopbackEcho(ServerSocket server) {
        this.server = server;
    }

    static LoopbackEcho start() throws IOException {
        ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        LoopbackEcho echo = new LoopbackEcho(server);
        Thread.ofPlatform().name("loopback-echo-accept").daemon().start(echo::accept);
        return echo;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                connection.setTcpNoDelay(true);
                connections.add(connection);
                Thread.ofPlatform().name("loopback-echo").daemon().start(() -> echo(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void echo(Socket connection) {
        byte[] buffer = new byte[64 << 10];
        try (connection;
                InputStream in = connection.getInputStream();
                OutputStream out = connection.getOutputStream()) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
            }
        } catch (IOException closed) {
            // The client or close() ended the connection.
        }
    }

    /** One client on a connection of its own that sends {@code request} and reads as many bytes back. */
    Exchange client(byte[] request) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 5_000);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] answer = new byte[request.length];
        return new Exchange() {
            @Override
            public void exchange() throws IOException {
                out.write(request);
                out.flush();
                if (in.readNBytes(answer, 0, answer.length) != answer.length) {
                    throw new IOException("the loopback echo closed the connection");
                }
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
