package dev.sluice.gateway.server;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.edge.ConnectionLimit;
import dev.sluice.gateway.edge.ConnectionWatch;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.Router;
import java.util.Map;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;

/** Builds the Helidon server and its routes around the configured providers. */
public final class GatewayServer implements AutoCloseable {

    private final WebServer server;
    private final ConnectionWatch watch;

    private GatewayServer(WebServer server, ConnectionWatch watch) {
        this.server = server;
        this.watch = watch;
    }

    /** Starts listening; the drain phase moves to SERVING once the listener is up. */
    public static GatewayServer start(SluiceConfig config, ScopeRegistry scopes, Limiter limiter, MemoryMonitor memory,
                                      Drain drain, Map<String, ProviderEndpoint> providers, Router router,
                                      GatewayState state) {
        SluiceConfig.Server edge = config.server();
        int maxConnections = ConnectionLimit.effective(edge.maxConnections());
        ConnectionWatch watch = ConnectionWatch.start(edge.headerTimeout(), edge.bodyTimeout(), edge.minUploadRate(),
                maxConnections);
        GatewayContext ctx = new GatewayContext(config, scopes, limiter, memory, drain, providers, router, state,
                new AccessLog(config.log().requests()), System.currentTimeMillis(), watch);
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            chain.proceed();
            ConnectionWatch.Connection c = watch.current();
            if (c.closingAfterAnswer() || req.headers().contains(HeaderValues.CONNECTION_CLOSE)) {
                c.cut(); // Helidon answers "Connection: close" but kept the socket open
            }
        });
        SystemHandlers system = new SystemHandlers(ctx);
        system.register(routing);
        new SystemActions(ctx, system).register(routing);
        Dashboard.register(routing);
        new AdminHandlers(ctx).register(routing);
        MetricsBinder.bind(ctx);
        for (ProxyHandler.Route route : ProxyHandler.Route.values()) {
            routing.route(Method.create(route.method), route.path, new ProxyHandler(route, ctx));
        }
        routing.any((req, res) -> ProxyHandler.sendError(res, new GatewayException(404,
                "no route for " + req.prologue().method().text() + " " + req.path().path())));
        WebServer server;
        try {
            server = WebServer.builder()
                    .host(edge.host())
                    .port(edge.port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(Duration.ofMillis(200))
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .maxTcpConnections(maxConnections)
                    .idleConnectionTimeout(edge.idleTimeout())
                    .idleConnectionPeriod(idleSweep(edge.idleTimeout()))
                    .protocolsDiscoverServices(false) // one HTTP/1.1 selector: Helidon then bounds silent connections too
                    .addProtocol(Http1Config.builder()
                            .maxHeadersSize(edge.maxHeaderSize())
                            .maxPrologueLength(edge.maxRequestLine())
                            .addReceiveListener(watch.receiveListener())
                            .build())
                    .directHandlers(TransportErrors.handlers(edge.maxHeaderSize(), edge.maxRequestLine()))
                    .routing(routing)
                    .build()
                    .start();
        } catch (RuntimeException e) {
            closeQuietly(watch);
            throw new IllegalStateException("cannot listen on " + edge.host() + ":" + edge.port() + ": "
                    + rootMessage(e), e);
        }
        if (!server.isRunning() || server.port() < 0) {
            server.stop();
            closeQuietly(watch);
            throw new IllegalStateException("cannot listen on " + edge.host() + ":" + edge.port()
                    + " (address in use, or not an address of this machine)");
        }
        drain.phase(Drain.Phase.SERVING);
        return new GatewayServer(server, watch);
    }

    public int port() {
        return server.port();
    }

    /** Helidon checks idle connections every period: often enough that the bound holds within a tenth. */
    private static Duration idleSweep(Duration idle) {
        long ms = Math.max(100, Math.min(5_000, idle.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static void closeQuietly(ConnectionWatch watch) {
        try {
            watch.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            closeQuietly(watch);
        }
    }
}
