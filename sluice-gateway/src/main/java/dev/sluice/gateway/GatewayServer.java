package dev.sluice.gateway;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayState;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.edge.ClientConnection;
import dev.sluice.gateway.edge.ConnectionLimit;
import dev.sluice.gateway.edge.ConnectionWatch;
import dev.sluice.gateway.edge.ListenerProbe;
import dev.sluice.gateway.edge.TransportErrors;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.exchange.CompletionListeners;
import dev.sluice.gateway.ingress.ClientRoutes;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.proxy.AccessLog;
import dev.sluice.gateway.realtime.RealtimeRoutes;
import dev.sluice.gateway.realtime.Sessions;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.system.MetricsBinder;
import dev.sluice.gateway.system.SystemRoutes;
import dev.sluice.gateway.usage.UsageListener;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Helidon server and its routes around the configured providers, with the edge's bounds
 * (connections, request line, headers, idle connections). Helidon's listener thread ends for good
 * when {@code accept} fails (descriptors exhausted); the {@link ListenerProbe} notices and a new
 * server is started on the same port, backing off until it binds.
 */
public final class GatewayServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("sluice.edge");

    private final GatewayContext ctx;
    private final ConnectionWatch watch;
    private final Sessions realtime;
    private volatile @Nullable ListenerProbe probe; // set by start()
    private volatile @Nullable WebServer server; // set by start()
    private volatile int port;

    private GatewayServer(GatewayContext ctx, ConnectionWatch watch) {
        this.ctx = ctx;
        this.watch = watch;
        this.realtime = new Sessions(
                ctx.config().realtime(),
                ctx.config().server().idleTimeout(),
                System::nanoTime,
                ctx.completions(),
                ctx.state().metrics(),
                true);
    }

    /** The realtime sessions: shutdown waits for them within the drain window, then closes them 1001. */
    public Sessions realtime() {
        return realtime;
    }

    /** Starts listening; the drain phase moves to SERVING once the listener is up. */
    public static GatewayServer start(
            SluiceConfig config,
            ScopeRegistry scopes,
            Limiter limiter,
            MemoryMonitor memory,
            Drain drain,
            Map<String, ProviderEndpoint> providers,
            Router router,
            GatewayState state) {
        SluiceConfig.Server edge = config.server();
        long pooled = providers.values().stream()
                .mapToLong(p -> p.client().maxConnections())
                .sum();
        int maxConnections = ConnectionLimit.effective(edge.maxConnections(), pooled);
        ConnectionWatch watch =
                ConnectionWatch.start(edge.headerTimeout(), edge.bodyTimeout(), edge.minUploadRate(), maxConnections);
        GatewayContext ctx = new GatewayContext(
                config,
                scopes,
                limiter,
                memory,
                drain,
                providers,
                router,
                state,
                completions(config, state),
                System.currentTimeMillis(),
                watch,
                Timing.system());
        MetricsBinder.bind(ctx);
        GatewayServer gateway = new GatewayServer(ctx, watch);
        try {
            gateway.server = gateway.listen(edge.port());
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        gateway.port = gateway.server.port();
        gateway.probe = ListenerProbe.start(edge.host(), () -> gateway.port, gateway::restart, Duration.ofSeconds(1));
        drain.phase(Drain.Phase.SERVING);
        return gateway;
    }

    /**
     * Who is told of each finished client request, in this order: the access log, the usage record (only
     * when usage is kept), the metrics.
     */
    private static CompletionListeners completions(SluiceConfig config, GatewayState state) {
        List<CompletionListener> listeners = new ArrayList<>(3);
        listeners.add(new AccessLog(config.log().requests()));
        state.usage().ifPresent(recorder -> listeners.add(new UsageListener(recorder, state.prices())));
        listeners.add(state.metrics());
        return new CompletionListeners(listeners);
    }

    private WebServer listen(int onPort) {
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

    /**
     * Called by the probe once the listener has stopped on its own: one new server on the same port.
     * If it cannot bind yet (descriptors still exhausted), the probe's next two refusals, two seconds
     * on, call again: the probe's period is the back-off.
     */
    private void restart() {
        try {
            WebServer dead = server;
            if (dead != null) {
                dead.stop(); // frees what the dead listener still holds
            }
            server = listen(port);
            watch.listenerRestarted();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "listener restarted on port " + port + " (restart " + watch.listenerRestarts() + ")");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "listener restart failed; the probe tries again: " + rootMessage(e));
        }
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

    public int port() {
        return port;
    }

    @Override
    public void close() {
        ListenerProbe p = probe;
        if (p != null) {
            p.close();
        }
        try {
            realtime.close(); // every session closed 1001 while the listener can still write the close frames
            WebServer s = server;
            if (s != null) {
                s.stop();
            }
        } finally {
            watch.close();
        }
    }
}
