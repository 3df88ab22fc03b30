package dev.sluice.testkit;

import static dev.sluice.testkit.PlantedRuns.failures;
import static dev.sluice.testkit.PlantedRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

@LeakChecked
class FakeProviderExtensionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static volatile Socket leftOpen;
    private static final List<URI> seenUris = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void closePlantedConnection() throws IOException {
        if (leftOpen != null) {
            leftOpen.close();
            leftOpen = null;
        }
        seenUris.clear();
    }

    @Test
    void connectionLeftOpenFailsTheClassAndTheProviderIsClosedAnyway() throws IOException {
        EngineExecutionResults results = run(LeftOpenCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(failures(results))
                .contains("fake provider still holds 1 open connections / 0 active exchanges" + " after the test class "
                        + LeftOpenCase.class.getName());
        leftOpen.setSoTimeout((int) WAIT.toMillis());
        assertThat(readOrReset(leftOpen))
                .as("the provider closed the connection it was holding")
                .isEqualTo(-1);
    }

    @Test
    void connectionClosedDuringTheClassPasses() {
        EngineExecutionResults results = run(ClosedCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
    }

    @Test
    void fixtureRegisteredAfterTheProviderClosesFirstSoItsConnectionDoesNotCount() {
        EngineExecutionResults results = run(FixtureOrderCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
    }

    @Test
    void nestedClassesShareTheEnclosingClassesProvider() {
        EngineExecutionResults results = run(NestedCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(2));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        assertThat(seenUris).hasSize(2);
        assertThat(seenUris.get(0)).isEqualTo(seenUris.get(1));
        assertThat(seenUris.get(0).getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void customizedProviderStillBindsToLoopbackOnAFreePort() {
        EngineExecutionResults results = run(CustomizedCase.class);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        assertThat(seenUris).singleElement().satisfies(uri -> {
            assertThat(uri.getHost()).isEqualTo("127.0.0.1");
            assertThat(uri.getPort()).isNotEqualTo(1);
        });
    }

    @Test
    void providerOutsideItsClassIsRefusedWithAHint() {
        FakeProviderExtension notRegistered = FakeProviderExtension.create();

        assertThatThrownBy(notRegistered::provider)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("static @RegisterExtension");
        assertThat(notRegistered.leaks()).isEmpty();
    }

    private static int readOrReset(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketException e) {
            return -1; // a reset also means the provider dropped the connection
        }
    }

    private static Socket connect(FakeProviderExtension fake) throws IOException {
        Socket socket = new Socket(fake.baseUri().getHost(), fake.baseUri().getPort());
        await().atMost(WAIT).until(() -> fake.provider().openConnections() == 1);
        return socket;
    }

    @Planted
    static class LeftOpenCase {
        @RegisterExtension
        static FakeProviderExtension fake = FakeProviderExtension.create().withDrainTimeout(Duration.ofMillis(200));

        @Test
        void opensAConnectionAndForgetsIt() throws IOException {
            leftOpen = connect(fake);
        }
    }

    @Planted
    static class ClosedCase {
        @RegisterExtension
        static FakeProviderExtension fake = FakeProviderExtension.create().withDrainTimeout(Duration.ofMillis(200));

        @Test
        void opensAConnectionAndClosesIt() throws IOException {
            connect(fake).close();
        }
    }

    @Planted
    static class FixtureOrderCase {
        @RegisterExtension
        @Order(1)
        static FakeProviderExtension fake = FakeProviderExtension.create().withDrainTimeout(Duration.ofMillis(200));

        @RegisterExtension
        @Order(2)
        static ConnectedFixture fixture = new ConnectedFixture(fake);

        @Test
        void usesTheFixture() {
            assertThat(fake.provider().openConnections()).isEqualTo(1);
        }
    }

    @Planted
    static class NestedCase {
        @RegisterExtension
        static FakeProviderExtension fake = FakeProviderExtension.create();

        @Test
        void outerSeesTheProvider() {
            seenUris.add(fake.baseUri());
        }

        @Nested
        class Inner {
            @Test
            void innerSeesTheSameProvider() {
                seenUris.add(fake.baseUri());
            }
        }
    }

    @Planted
    static class CustomizedCase {
        @RegisterExtension
        static FakeProviderExtension fake =
                FakeProviderExtension.create(builder -> builder.deltas(3).port(1));

        @Test
        void runsOnLoopback() {
            seenUris.add(fake.baseUri());
        }
    }

    /** Stands in for a gateway fixture: connects to the provider before the class, disconnects after. */
    static final class ConnectedFixture implements BeforeAllCallback, AfterAllCallback {
        private final FakeProviderExtension fake;
        private Socket socket;

        ConnectedFixture(FakeProviderExtension fake) {
            this.fake = fake;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            socket = connect(fake);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            socket.close();
        }
    }
}
