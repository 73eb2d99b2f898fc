package io.fogline.control;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An attacker in a process of its own, so that its sockets count against its own descriptor limit rather than the
 * test's: opens connections from one address and holds them, silent or stalled in a request. Arguments: the control
 * plane's host, port, the address to connect from, how many connections, and {@code silent} or a request head to send
 * on each. Prints {@code connected N} once every connection is open, then {@code open N} (those the server has not
 * closed) every second until its input closes.
 */
public final class StallingClients {

    private StallingClients() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        InetSocketAddress from = new InetSocketAddress(args[2], 0);
        int count = Integer.parseInt(args[3]);
        byte[] head = args[4].equals("silent") ? new byte[0] : args[4].getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SocketChannel socket = SocketChannel.open();
            socket.bind(from);
            socket.socket().connect(server, 30_000);
            try {
                socket.write(ByteBuffer.wrap(head));
            } catch (IOException e) {
                // closed by the server as it was accepted: counted below
            }
            socket.configureBlocking(false);
            sockets.add(socket);
        }
        System.out.println("connected " + sockets.size());
        System.out.flush();
        Thread watcher = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test holds the pipe open while it wants the connections held
                }
            } catch (IOException e) {
                // the test is gone
            }
            System.exit(0);
        });
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (watcher.isAlive()) {
            int open = 0;
            for (SocketChannel socket : sockets) {
                if (socket.isOpen() && !closedByServer(socket, sink)) {
                    open++;
                }
            }
            System.out.println("open " + open);
            System.out.flush();
            Thread.sleep(1000);
        }
    }

    /** Reads and drops what the server sent (a 429, say); true once it has closed the connection. */
    private static boolean closedByServer(SocketChannel socket, ByteBuffer sink) {
        try {
            int n;
            do {
                sink.clear();
                n = socket.read(sink);
            } while (n > 0);
            if (n < 0) {
                socket.close();
                return true;
            }
            return false;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a reset socket
            }
            return true;
        }
    }
}
