package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.StoreSettings;
import dev.sluice.gateway.store.TestDatabases;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two Sluice instances sharing PostgreSQL and Redis, as behind a load balancer: a key created on one
 * works on the other, and a limit of 100 requests/min on that key admits 100 in total across both —
 * not 100 per instance (peers multiply limits by the replica count).
 */
@LeakChecked
class SharedStateAcrossInstancesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-shared";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    static Sluice a;
    static Sluice b;

    @BeforeAll
    static void start() throws Exception {
        TestDatabases.requireRedis();
        StoreSettings pg = TestDatabases.settings(Store.Kind.POSTGRESQL);
        Map<String, String> s = new HashMap<>(Map.of(
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
                "auth.mode",
                "keys",
                "auth.admin-key",
                ADMIN,
                "store.url",
                pg.url(),
                "store.user",
                pg.user(),
                "redis.url",
                "redis://127.0.0.1:6379"));
        s.put(
                "redis.prefix",
                "sluice-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":");
        a = Sluice.start(SluiceExtension.config(s));
        b = Sluice.start(SluiceExtension.config(s));
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        TestDatabases.dropTestSchemas();
    }

    @Test
    void aLimitOf100PerMinuteAdmitsAtMost100AcrossTwoInstances() throws Exception {
        HttpResponse<String> created = Http.post(
                a.baseUri(),
                "/admin/keys",
                "{\"name\":\"shared\",\"requests_per_minute\":100}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = JSON.readTree(created.body()).path("key").asText();

        long startNanos = System.nanoTime();
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 160; i++) {
                URI base = (i % 2 == 0 ? a : b).baseUri();
                results.add(pool.submit(() -> Http.post(
                                base,
                                "/v1/messages",
                                Http.messageBody("fake-model", false),
                                "x-api-key",
                                key,
                                "anthropic-version",
                                "2023-06-01",
                                "content-type",
                                "application/json")
                        .statusCode()));
            }
        }
        double minutes = (System.nanoTime() - startNanos) / 60e9;
        long ok = 0;
        long limited = 0;
        for (Future<Integer> f : results) {
            int status = f.get();
            ok += status == 200 ? 1 : 0;
            limited += status == 429 ? 1 : 0;
        }
        long refilledMeanwhile = (long) Math.ceil(minutes * 100);
        assertThat(ok + limited).isEqualTo(160);
        assertThat(ok)
                .as("admitted across both instances in %.1f s", minutes * 60)
                .isBetween(100L, 100L + refilledMeanwhile);
    }
}
