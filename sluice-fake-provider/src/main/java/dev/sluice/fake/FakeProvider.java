package dev.sluice.fake;

import dev.sluice.core.LeakSource;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A fake LLM provider HTTP server with scripted faults, speaking Anthropic Messages, OpenAI Chat
 * Completions (also as Azure OpenAI and Databricks) and Ollama {@code /api/chat}; routes, thinking,
 * parallel tool calls and cache usage are described in the package documentation. Start one with {@link #builder()}; each request may pick a
 * fault ({@code x-fake-fault} header or model {@code fault-<name>}) and override the timing with
 * {@code x-fake-latency}, {@code x-fake-ttft}, {@code x-fake-delta-interval}, {@code x-fake-deltas},
 * {@code x-fake-stall}. Answers are deterministic: same request, same bytes. It also speaks the OpenAI
 * Realtime API over WebSocket ({@code /v1/realtime?model=}, see {@link RealtimeSession}), counting open
 * sessions in {@link #openRealtimeSessions()}.
 */
public final class FakeProvider implements AutoCloseable, LeakSource {
    private static final System.Logger LOG = System.getLogger(FakeProvider.class.getName());
    /** How long {@link #close()} gives each step (server stop, exchanges ending). */
    static final Duration CLOSE_STEP_TIMEOUT = Duration.ofSeconds(5);

    private final Settings settings;
    private final Stats stats = new Stats();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService exchangeThreads;
    private final Server server;
    private final ServerConnector connector;
    private final Realtime realtime;
    private volatile int boundPort = -1;

    private FakeProvider(Settings settings) {
        this.settings = settings;
        this.exchangeThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-fake-exchange-", 0).factory());
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("sluice-fake-jetty");
        pool.setIdleTimeout(5000); // shrink back to the minimum soon after a burst
        pool.setMaxEvictCount(1024);
        pool.setVirtualThreadsExecutor(exchangeThreads);
        this.server = new Server(pool, new ScheduledExecutorScheduler("sluice-fake-scheduler", false), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false); // same request, same bytes
        http.setOutputAggregationSize(0); // every frame is written and flushed on its own
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        connector.addBean(stats);
        server.addConnector(connector);
        FaultCounts faultCounts = new FaultCounts();
        this.realtime = new Realtime(settings, stats, faultCounts, exchangeThreads);
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, realtime::configure);
        upgrades.setHandler(new FakeHandler(settings, stats, new Slots(settings.slots()), faultCounts, closed::get));
        server.setHandler(upgrades);
        server.setStopTimeout(0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://" + hostForUri() + ":" + port());
    }

    private String hostForUri() {
        String host = settings.host();
        if (host.equals("0.0.0.0")) return "127.0.0.1";
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The port bound at start (kept after close). */
    public int port() {
        return boundPort;
    }

    /** TCP connections open right now. */
    public int openConnections() {
        return stats.openConnections();
    }

    /** Requests being handled right now. */
    public int activeExchanges() {
        return stats.active();
    }

    public long exchangesStarted() {
        return stats.started();
    }

    /** Exchanges that ended with the whole response written (including scripted errors, cuts and resets). */
    public long exchangesCompleted() {
        return stats.completed();
    }

    /** Exchanges whose peer went away (or the server stopped) before the response was fully written. */
    public long exchangesAborted() {
        return stats.aborted();
    }

    /** Realtime (WebSocket) sessions open right now. */
    public int openRealtimeSessions() {
        return stats.openRealtimeSessions();
    }

    /** Realtime (WebSocket) sessions opened since start. */
    public int realtimeSessionsStarted() {
        return stats.realtimeSessionsStarted();
    }

    /** The last 256 requests, oldest first (fewer when their bodies pass 16 Mi characters in all). */
    public List<RecordedRequest> recentRequests() {
        return stats.recent();
    }

    @Override
    public String leakSourceName() {
        return "fake-provider " + settings.host() + ":" + port();
    }

    @Override
    public List<String> leaks() {
        List<String> leaks = new ArrayList<>();
        int active = stats.active();
        if (active > 0) leaks.add("fake provider activeExchanges=" + active + " (expected 0)");
        int sessions = stats.openRealtimeSessions();
        if (sessions > 0) leaks.add("fake provider openRealtimeSessions=" + sessions + " (expected 0)");
        return List.copyOf(leaks);
    }

    /** Stops the server: waits end at once, connections close; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        RuntimeException failures = new IllegalStateException("fake provider did not close cleanly");
        try {
            server.stop();
        } catch (Exception e) {
            failures.addSuppressed(e);
        }
        realtime.disconnectAll();
        try {
            if (!stats.awaitNoRealtimeSessions(CLOSE_STEP_TIMEOUT)) {
                failures.addSuppressed(new IllegalStateException("realtime sessions still open after "
                        + CLOSE_STEP_TIMEOUT + ": " + stats.openRealtimeSessions()));
            }
            if (!stats.awaitIdle(CLOSE_STEP_TIMEOUT)) {
                failures.addSuppressed(new IllegalStateException(
                        "exchanges still active after " + CLOSE_STEP_TIMEOUT + ": " + stats.active()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.addSuppressed(e);
        }
        exchangeThreads.shutdown();
        if (failures.getSuppressed().length > 0) throw failures;
        LOG.log(Level.DEBUG, "fake provider stopped");
    }

    /** Settings for a {@link FakeProvider}; every default sits next to its field. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private Duration ttft = Duration.ZERO;
        private Duration deltaInterval = Duration.ZERO;
        private int deltas = 12;
        private Duration latency = Duration.ZERO;
        private int slots = 0;
        private Duration idleTimeout = Duration.ofMinutes(5);

        private Builder() {}

        /** Address to bind; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Port to bind; default 0 (any free port). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Wait after the response headers and first frame, before the first content delta; default 0. */
        public Builder ttft(Duration ttft) {
            this.ttft = Objects.requireNonNull(ttft, "ttft");
            return this;
        }

        /** Wait between content deltas; default 0. */
        public Builder deltaInterval(Duration deltaInterval) {
            this.deltaInterval = Objects.requireNonNull(deltaInterval, "deltaInterval");
            return this;
        }

        /** Text deltas (words, = output tokens) per answer; default 12. */
        public Builder deltas(int deltas) {
            this.deltas = deltas;
            return this;
        }

        /** Wait before the response headers; default 0. */
        public Builder latency(Duration latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** Answers generated at once; one more is refused (529 Anthropic, 503 otherwise); default 0 = unlimited. */
        public Builder slots(int slots) {
            this.slots = slots;
            return this;
        }

        /** How long a connection may sit with no I/O; default 5 minutes. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IllegalArgumentException listing every bad setting
         * @throws IllegalStateException when the server cannot start (e.g. the port is taken)
         */
        public FakeProvider start() {
            FakeProvider provider = new FakeProvider(
                    new Settings(host, port, latency, ttft, deltaInterval, deltas, slots, idleTimeout));
            try {
                provider.server.start();
                provider.boundPort = provider.connector.getLocalPort();
            } catch (Exception e) {
                IllegalStateException failure = new IllegalStateException(
                        "fake provider could not start on " + host + ":" + port + ": " + e.getMessage(), e);
                try {
                    provider.close();
                } catch (RuntimeException closeFailure) {
                    failure.addSuppressed(closeFailure);
                }
                throw failure;
            }
            LOG.log(Level.DEBUG, "fake provider listening on {0}", provider.baseUri());
            return provider;
        }
    }
}
