package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.StoreSettings;
import dev.sluice.gateway.store.TcpProxy;
import dev.sluice.gateway.store.TestDatabases;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database dies mid-run (a TCP proxy in front of PostgreSQL is cut): requests are still served,
 * usage records that cannot be written are dropped and counted, no connection is leaked, and usage
 * is written again once the database is back.
 */
@LeakChecked
class DatabaseOutageTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    static TcpProxy proxy;
    static Sluice sluice;

    @BeforeAll
    static void start() throws Exception {
        StoreSettings pg = TestDatabases.settings(Store.Kind.POSTGRESQL);
        proxy = TcpProxy.to(5432);
        String viaProxy = pg.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
        sluice = Sluice.start(SluiceExtension.config(new HashMap<>(Map.of(
                "server.port",
                "0",
                "demo.mode",
                "off",
                "upstream.url",
                FAKE.baseUri().toString(),
                "upstream.api-key",
                "k",
                "shutdown.pre-drain",
                "0s",
                "store.url",
                viaProxy,
                "store.user",
                pg.user(),
                "store.connection-timeout",
                "500ms",
                "usage.queue-size",
                "20",
                "usage.flush-interval",
                "100ms"))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        TestDatabases.dropTestSchemas();
    }

    static JsonNode usageStats() throws Exception {
        return JSON.readTree(Http.get(sluice.baseUri(), "/system/stats").body()).path("usage");
    }

    static void serve(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            assertThat(Http.post(
                                    sluice.baseUri(),
                                    "/v1/messages",
                                    Http.messageBody("fake-model", i % 2 == 0),
                                    anthropicHeaders())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void requestsAreServedThroughAnOutageAndUsageRecovers() throws Exception {
        serve(10);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> usageStats().path("written").asLong() == 10);

        proxy.cut();
        serve(60);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode u = usageStats();
            assertThat(u.path("dropped").asLong()).as(u.toString()).isPositive();
            assertThat(u.path("written").asLong()
                            + u.path("dropped").asLong()
                            + u.path("queued").asLong())
                    .isEqualTo(70);
        });
        assertThat(usageStats().path("queued").asLong())
                .isLessThanOrEqualTo(20 + 20); // the queue and one batch in hand

        proxy.restore();
        long writtenBefore = usageStats().path("written").asLong();
        serve(5);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() ->
                        assertThat(usageStats().path("written").asLong()).isGreaterThanOrEqualTo(writtenBefore + 5));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(sluice.leaks()).isEmpty());
    }
}
