package dev.sluice.testkit;

import dev.sluice.core.LeakSource;
import dev.sluice.fake.FakeProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link FakeProvider} for one test class, on 127.0.0.1 and a free port:
 *
 * <pre>{@code
 * @RegisterExtension static FakeProviderExtension fake = FakeProviderExtension.create();
 * }</pre>
 *
 * <p>It starts before the class and, after it, waits until nothing holds a connection or an
 * exchange on it any more, then closes it. If connections are still open after the drain timeout
 * (default 5 s), it closes the provider anyway and fails the class: whatever talked to it (usually
 * the gateway's upstream pool) did not close its connections.
 *
 * <p><b>Order matters.</b> JUnit runs {@code afterAll} callbacks in reverse registration order,
 * and orders static {@code @RegisterExtension} fields by {@code @Order} (fields without it come
 * after those with it, in an order that is deterministic but deliberately not the declaration
 * order). Give this field a lower {@code @Order} than the fixture that connects to it (a gateway
 * fixture), so that fixture starts after and closes before the provider, and this check sees its
 * pool's connections gone:
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static FakeProviderExtension fake = FakeProviderExtension.create();
 * @RegisterExtension @Order(2) static GatewayExtension gateway = GatewayExtension.upstream(fake::baseUri);
 * }</pre>
 *
 * {@link LeakCheckExtension} on the class registers before both, so it checks threads last.
 *
 * <p>As a {@link LeakSource} (found by {@link LeakCheckExtension} in the static field) it reports
 * the provider's own leaks, such as exchanges still active after a test.
 */
public final class FakeProviderExtension implements BeforeAllCallback, AfterAllCallback, LeakSource {

    private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final UnaryOperator<FakeProvider.Builder> customizer;
    private final Duration drainTimeout;
    private volatile @Nullable FakeProvider provider;
    private volatile @Nullable String ownerId;

    private FakeProviderExtension(UnaryOperator<FakeProvider.Builder> customizer, Duration drainTimeout) {
        this.customizer = customizer;
        this.drainTimeout = drainTimeout;
    }

    public static FakeProviderExtension create() {
        return new FakeProviderExtension(UnaryOperator.identity(), DEFAULT_DRAIN_TIMEOUT);
    }

    /** Like {@link #create()}, with the builder customised (timing, slots); host and port are then set to 127.0.0.1:0. */
    public static FakeProviderExtension create(UnaryOperator<FakeProvider.Builder> customizer) {
        return new FakeProviderExtension(Objects.requireNonNull(customizer, "customizer"), DEFAULT_DRAIN_TIMEOUT);
    }

    /** A copy that waits {@code timeout} after the class for connections to close (default 5 s). */
    public FakeProviderExtension withDrainTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must not be negative, got " + timeout);
        }
        return new FakeProviderExtension(customizer, timeout);
    }

    /** The running provider; only between this class's before-all and after-all. */
    public FakeProvider provider() {
        FakeProvider running = provider;
        if (running == null || ownerId == null) {
            throw new IllegalStateException("fake provider not running: register the FakeProviderExtension as a"
                    + " static @RegisterExtension field and use it from tests or @BeforeAll/@AfterAll methods");
        }
        return running;
    }

    /** {@code http://127.0.0.1:<port>} of the running provider. */
    public URI baseUri() {
        return provider().baseUri();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownerId != null) {
            return; // a @Nested class inherits the extension; the enclosing class owns the provider
        }
        provider = customizer
                .apply(FakeProvider.builder())
                .host("127.0.0.1")
                .port(0)
                .start();
        ownerId = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getUniqueId().equals(ownerId)) {
            return;
        }
        ownerId = null;
        FakeProvider running = Objects.requireNonNull(provider, "set by beforeAll together with ownerId");
        int[] held = Waits.lastObserved(
                () -> new int[] {running.openConnections(), running.activeExchanges()},
                counts -> counts[0] == 0 && counts[1] == 0,
                drainTimeout);
        AssertionError failure = held[0] == 0 && held[1] == 0
                ? null
                : new AssertionError("fake provider still holds " + held[0] + " open connections / " + held[1]
                        + " active exchanges after the test class "
                        + context.getRequiredTestClass().getName()
                        + " (waited " + drainTimeout.toMillis() + " ms; whatever connected to it did not close)");
        try {
            running.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String leakSourceName() {
        FakeProvider running = provider;
        return running == null ? "fake provider (never started)" : running.leakSourceName();
    }

    /** The provider's leaks; still answered after it was closed, so a leak check after the class sees them. */
    @Override
    public List<String> leaks() {
        FakeProvider running = provider;
        return running == null ? List.of() : running.leaks();
    }
}
