package io.fogline.listener;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.transport.Transport;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * Linux's epoll transport whose event loops poll for a while after their last work before they block ({@link
 * SpinThenPark}); everything else is Vert.x's own epoll transport.
 */
public final class PollingTransport implements io.vertx.core.spi.transport.Transport {
    private final io.vertx.core.spi.transport.Transport epoll = Transport.EPOLL.implementation();
    private final long spinNanos;

    private PollingTransport(Duration spin) {
        this.spinNanos = spin.toNanos();
    }

    /**
     * The transport for a server's Vert.x: epoll with loops that poll for {@code spin} where epoll is available and
     * {@code spin} is positive, else Vert.x's native transport (or NIO, with the reason Vert.x gives).
     */
    public static Transport choose(Duration spin) {
        if (!Transport.EPOLL.available() || spin.isZero() || spin.isNegative()) {
            return Transport.nativeTransport();
        }
        return new Named(Transport.EPOLL.name(), new PollingTransport(spin));
    }

    private record Named(String name, io.vertx.core.spi.transport.Transport implementation) implements Transport {
        @Override
        public boolean available() {
            return true;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return EpollIoHandler.newFactory(0, () -> new SpinThenPark(spinNanos, System::nanoTime));
    }

    @Override
    public boolean supportsDomainSockets() {
        return epoll.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
        return epoll.supportFileRegion();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
        return epoll.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
        return epoll.convert(address);
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
        return epoll.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
        return epoll.datagramChannelFactory();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        return epoll.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return epoll.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        epoll.configure(channel, options);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
        epoll.configure(config, domainSocket, bootstrap);
    }

    @Override
    public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
        epoll.configure(config, domainSocket, bootstrap);
    }
}
