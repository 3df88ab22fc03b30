package dev.sluice.gateway;

import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.edge.ConnectionWatch;
import dev.sluice.gateway.edge.TransportErrors;
import dev.sluice.gateway.ingress.ClientRoutes;
import dev.sluice.gateway.realtime.RealtimeRoutes;
import dev.sluice.gateway.realtime.Sessions;
import dev.sluice.gateway.system.SystemRoutes;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.time.Duration;

/**
 * One Helidon server and its routes, with the edge's bounds (connections, request line, headers, idle
 * connections): what {@link GatewayServer} starts first and again, on the same port, whenever its
 * listener has died.
 */
final class Listener {

    private final GatewayContext ctx;
    private final ConnectionWatch watch;
    private final Sessions realtime;

    Listener(GatewayContext ctx, ConnectionWatch watch, Sessions realtime) {
        this.ctx = ctx;
        this.watch = watch;
        this.realtime = realtime;
    }

    /** A started server on {@code onPort} (0: any free port); refuses in one clear line when it cannot bind. */
    WebServer listen(int onPort) {
        SluiceConfig.Server edge = ctx.config().server();
        WsRouting.Builder wsRouting = WsRouting.builder();
        HttpRouting.Builder http = routing(wsRouting);
        requireFree(edge.host(), onPort);
        WebServer started;
        try {
            started = WebServer.builder()
                    .host(edge.host())
                    .port(onPort)
                    .shutdownHook(false)
                    .shutdownGracePeriod(Duration.ofMillis(200))
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .maxTcpConnections(watch.bound())
                    .idleConnectionTimeout(edge.idleTimeout())
                    .idleConnectionPeriod(idleSweep(edge.idleTimeout()))
                    .protocolsDiscoverServices(
                            false) // one HTTP/1.1 selector: Helidon then bounds silent connections too
                    .addProtocol(WsConfig.builder()
                            .maxFrameLength(ctx.config().realtime().maxMessageSize())
                            .build())
                    .addProtocol(Http1Config.builder()
                            .maxHeadersSize(edge.maxHeaderSize())
                            .maxPrologueLength(edge.maxRequestLine())
                            .addReceiveListener(watch.receiveListener())
                            .build())
                    .directHandlers(TransportErrors.handlers(edge.maxHeaderSize(), edge.maxRequestLine()))
                    .routing(http)
                    .addRouting(wsRouting)
                    .build()
                    .start();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot listen on " + edge.host() + ":" + onPort + ": " + rootMessage(e), e);
        }
        if (!started.isRunning() || started.port() < 0) {
            started.stop();
            throw new IllegalStateException("cannot listen on " + edge.host() + ":" + onPort
                    + " (address in use, or not an address of this machine)");
        }
        return started;
    }

    /**
     * Binds and releases the address first, so a taken port is one clear line instead of Helidon's
     * logged stack traces (a race with another process binding meanwhile still ends in the check
     * after Helidon's start).
     */
    private static void requireFree(String host, int onPort) {
        if (onPort == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, onPort), 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + onPort + ": " + e.getMessage(), e);
        }
    }

    private HttpRouting.Builder routing(WsRouting.Builder ws) {
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            chain.proceed();
            ClientConnection c = watch.current();
            if (c.closingAfterAnswer() || req.headers().contains(HeaderValues.CONNECTION_CLOSE)) {
                c.cut(); // Helidon answers "Connection: close" but kept the socket open
            }
        });
        SystemRoutes.register(routing, ctx, realtime);
        RealtimeRoutes.register(routing, ws, ctx, realtime);
        ClientRoutes.register(routing, ctx); // last: it also answers every path no route takes
        return routing;
    }

    /** Helidon checks idle connections every period: often enough that the bound holds within a tenth. */
    private static Duration idleSweep(Duration idle) {
        long ms = Math.max(100, Math.min(5_000, idle.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
