package dev.sluice.gateway;

import dev.sluice.core.LeakSource;
import dev.sluice.core.Lifecycle;
import dev.sluice.core.Limiter;
import dev.sluice.core.LimiterStats;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.MemoryProbe;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.fake.FakeProvider;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.context.GatewayState;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.Router;
import dev.sluice.gateway.shed.Admissions;
import dev.sluice.gateway.shed.MemoryMonitors;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.StoreSettings;
import dev.sluice.gateway.trace.Tracing;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running Sluice: the listener, the upstream pool, admission and the request accounting, owned by
 * one {@link Lifecycle}. {@link #close()} is the graceful shutdown of DESIGN.md: readiness 503 at
 * once, a pre-drain delay, a drain deadline, terminal error events for streams still open, then
 * everything closes in reverse order with each step logged.
 */
public final class Sluice implements AutoCloseable, LeakSource {

    private static final System.Logger LOG = System.getLogger("sluice");

    private final SluiceConfig config;
    private final Lifecycle lifecycle;
    private final ScopeRegistry scopes;
    private final Limiter limiter;
    private final MemoryMonitor memory;
    private final Drain drain;
    private final GatewayServer server;
    private final Router router;
    private final Store store;
    private final GatewayState state;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private Sluice(
            SluiceConfig config,
            Lifecycle lifecycle,
            ScopeRegistry scopes,
            Limiter limiter,
            MemoryMonitor memory,
            Drain drain,
            GatewayServer server,
            Router router,
            Store store,
            GatewayState state) {
        this.state = state;
        this.router = router;
        this.store = store;
        this.memory = memory;
        this.config = config;
        this.lifecycle = lifecycle;
        this.scopes = scopes;
        this.limiter = limiter;
        this.drain = drain;
        this.server = server;
    }

    /** Starts Sluice with the given config; in demo mode, with the built-in fake provider as upstream. */
    public static Sluice start(SluiceConfig config) throws Exception {
        return start(config, MemoryProbe.oldGenAfterGc());
    }

    /** As {@link #start(SluiceConfig)}, reading memory pressure from {@code memoryProbe} (tests fake it). */
    public static Sluice start(SluiceConfig config, MemoryProbe memoryProbe) throws Exception {
        Lifecycle lifecycle = Lifecycle.create("sluice", config.shutdown().stepTimeout());
        try {
            Optional<URI> demoUrl = Optional.empty();
            if (config.demo().enabled()) {
                FakeProvider fake = lifecycle.register(
                        "fake-provider",
                        "demo",
                        FakeProvider.builder()
                                .deltas(config.demo().deltas())
                                .deltaInterval(config.demo().deltaInterval())
                                .start());
                demoUrl = Optional.of(fake.baseUri());
            }
            Store store = lifecycle.register(
                    "store", config.store().url().replaceAll("\\?.*", ""), Store.open(storeSettings(config.store())));
            GatewayState state = States.start(config, store, lifecycle);
            Map<String, ProviderEndpoint> providers = Upstreams.start(config, lifecycle, demoUrl);
            Router router = lifecycle.register(
                    "router",
                    "routes",
                    Upstreams.router(config.routing(), providers, Upstreams.keys(config, demoUrl.isPresent())));
            ScopeRegistry scopes = ScopeRegistry.create("requests");
            AtomicReference<Limiter> admission = new AtomicReference<>();
            MemoryMonitor memory = lifecycle.register(
                    "memory-monitor",
                    "old-gen-after-gc",
                    MemoryMonitors.start(config.memory(), memoryProbe, admission::get));
            Limiter limiter = Admissions.limiter(config.admission(), memory::shedReason);
            admission.set(limiter);
            Drain drain = new Drain();
            // closed after the listener (the lifecycle closes in reverse), so the last requests' spans are sent
            Tracing tracing = lifecycle.register(
                    "tracing",
                    "otlp",
                    Tracing.start(
                            config.log().tracing(),
                            System.getenv(),
                            config.shutdown().stepTimeout()));
            GatewayServer server = lifecycle.register(
                    "listener",
                    config.server().host(),
                    GatewayServer.start(config, scopes, limiter, memory, drain, providers, router, state, tracing));
            return new Sluice(config, lifecycle, scopes, limiter, memory, drain, server, router, store, state);
        } catch (Exception | Error e) {
            try {
                lifecycle.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static StoreSettings storeSettings(SluiceConfig.Store s) {
        return new StoreSettings(
                s.url(), s.user(), s.password().reveal(), s.maxPoolSize(), s.connectionTimeout(), s.leakDetection());
    }

    /** The store, for tests that inspect what was written. */
    public Store storeForTests() {
        return store;
    }

    public int port() {
        return server.port();
    }

    public URI baseUri() {
        return URI.create("http://" + hostForUri(config.server().host()) + ":" + port());
    }

    /** A snapshot of the admission counters. */
    public LimiterStats admissionStats() {
        return limiter.stats();
    }

    /** Whether memory pressure is shedding new requests now. */
    public boolean memoryUnderPressure() {
        return memory.underPressure();
    }

    public long inFlight() {
        return limiter.inFlight();
    }

    public int liveScopes() {
        return scopes.liveScopes();
    }

    @Override
    public String leakSourceName() {
        return "sluice " + config.server().host() + ":" + port();
    }

    @Override
    public List<String> leaks() {
        List<String> leaks = new ArrayList<>(limiter.leaks());
        leaks.addAll(scopes.leaks());
        leaks.addAll(router.leaks());
        leaks.addAll(store.leaks());
        leaks.addAll(state.limits().leaks());
        leaks.addAll(server.realtime().leaks());
        state.usage().ifPresent(u -> leaks.addAll(u.leaks()));
        leaks.addAll(state.accessLog().leaks());
        return leaks;
    }

    /** Graceful shutdown; blocks until done; idempotent (a second caller waits for the first). */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            new Shutdown(config.shutdown(), drain, limiter, server.realtime(), lifecycle).run();
        } finally {
            closed.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    private void awaitQuietly() {
        try {
            closed.await(config.shutdown().drainTimeout().toMillis() * 2 + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostForUri(String host) {
        String h = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
        return h.contains(":") ? "[" + h + "]" : h;
    }

    static System.Logger log() {
        return LOG;
    }
}
