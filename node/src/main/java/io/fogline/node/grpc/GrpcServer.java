package io.fogline.node.grpc;

import io.fogline.node.http.ApiRestrictions;
import io.fogline.node.http.ModelControlMode;
import io.fogline.node.metrics.NodeObserver;
import io.fogline.routing.Router;
import io.fogline.runtime.repository.ModelManager;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The node's gRPC endpoint: {@code inference.GRPCInferenceService} and the standard {@code grpc.health.v1} health
 * service, on a port of their own. Calls run on the transport's threads ({@code directExecutor}): nothing in a call
 * waits, except repository work, which runs on an executor of its own.
 */
public final class GrpcServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GrpcServer.class.getName());

    private final Server server;
    private final HealthService health;
    private final ExecutorService repository;

    private GrpcServer(Server server, HealthService health, ExecutorService repository) {
        this.server = server;
        this.health = health;
        this.repository = repository;
    }

    /**
     * Listens on {@code host:port}; port 0 picks a free one.
     *
     * @param maxMessageBytes larger requests are refused with RESOURCE_EXHAUSTED before they are decoded
     * @param extensions the protocol extensions the server metadata names
     * @param restrictions the owner's API restrictions, keyed by the same groups as HTTP's
     */
    public static GrpcServer start(
            String host,
            int port,
            long maxMessageBytes,
            ModelManager models,
            Router router,
            NodeObserver observer,
            String version,
            List<String> extensions,
            ModelControlMode modelControl,
            Predicate<String> managedByControlPlane,
            ApiRestrictions restrictions) {
        ExecutorService repository = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name("fogline-grpc-repository-", 0).daemon().factory());
        HealthService health = new HealthService(models);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
                .directExecutor()
                .maxInboundMessageSize((int) Math.min(maxMessageBytes, Integer.MAX_VALUE))
                .addService(new InferenceService(
                        models,
                        router,
                        observer,
                        repository,
                        version,
                        extensions,
                        model -> modelControl.checkChange(model, managedByControlPlane)))
                .addService(health)
                .intercept(new RestrictedMethods(restrictions))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            health.close();
            repository.shutdown();
            throw new UncheckedIOException("cannot listen for gRPC on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "gRPC on {0}:{1}", host, String.valueOf(server.getPort()));
        return new GrpcServer(server, health, repository);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        health.close();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        repository.shutdownNow();
    }
}
