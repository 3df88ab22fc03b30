package dev.sluice.gateway;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayState;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.edge.ConnectionLimit;
import dev.sluice.gateway.edge.ConnectionWatch;
import dev.sluice.gateway.edge.ListenerProbe;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.exchange.CompletionListeners;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.proxy.AccessLog;
import dev.sluice.gateway.realtime.Sessions;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.system.MetricsBinder;
import dev.sluice.gateway.trace.Tracing;
import dev.sluice.gateway.usage.UsageListener;
import io.helidon.webserver.WebServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Starts the gateway around the configured providers and keeps it listening; the Helidon server,
 * its routes and the edge's bounds are built by {@link Listener}. Helidon's listener thread ends for
 * good when {@code accept} fails (descriptors exhausted); the {@link ListenerProbe} notices and a new
 * server is started on the same port, backing off until it binds.
 */
public final class GatewayServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("sluice.edge");

    private final ConnectionWatch watch;
    private final Sessions realtime;
    private final Listener listener;
    private volatile @Nullable ListenerProbe probe; // set by start()
    private volatile @Nullable WebServer server; // set by start()
    private volatile int port;

    private GatewayServer(GatewayContext ctx, ConnectionWatch watch) {
        this.watch = watch;
        this.realtime = new Sessions(
                ctx.config().realtime(),
                ctx.config().server().idleTimeout(),
                System::nanoTime,
                ctx.completions(),
                ctx.state().metrics(),
                true);
        this.listener = new Listener(ctx, watch, realtime);
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
            GatewayState state,
            Tracing tracing) {
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
                Timing.system(),
                tracing);
        MetricsBinder.bind(ctx);
        GatewayServer gateway = new GatewayServer(ctx, watch);
        try {
            gateway.server = gateway.listener.listen(edge.port());
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
        listeners.add(new AccessLog(config.log().requests(), state.accessLog()));
        state.usage().ifPresent(recorder -> listeners.add(new UsageListener(recorder, state.prices())));
        listeners.add(state.metrics());
        return new CompletionListeners(listeners);
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
            server = listener.listen(port);
            watch.listenerRestarted();
            LOG.log(
                    System.Logger.Level.WARNING,
                    "listener restarted on port " + port + " (restart " + watch.listenerRestarts() + ")");
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "listener restart failed; the probe tries again: " + Listener.rootMessage(e));
        }
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
