package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The system API: the resource registry, the live feed's lifecycle and cap, and the admin-only GC and heap dump. */
@LeakChecked
class SystemEndpointsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-system";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, "auth.admin-key", ADMIN);

    static JsonNode resources() throws Exception {
        return JSON.readTree(Http.get(SLUICE.baseUri(), "/system/resources").body())
                .path("resources");
    }

    static long feeds() throws Exception {
        long n = 0;
        for (JsonNode r : resources()) {
            n += r.path("kind").asText().equals("live-feed") ? 1 : 0;
        }
        return n;
    }

    @Test
    void theResourceRegistryListsEveryLongLivedPartWithBoundAndSize() throws Exception {
        List<String> kinds = new ArrayList<>();
        resources().forEach(r -> kinds.add(r.path("kind").asText()));
        assertThat(kinds)
                .contains(
                        "store",
                        "upstream-client",
                        "router",
                        "usage-queue",
                        "limits",
                        "metrics",
                        "listener",
                        "request-scopes");
        for (JsonNode r : resources()) {
            if (r.path("kind").asText().equals("usage-queue")) {
                assertThat(r.path("bound").asLong()).isEqualTo(10_000);
                assertThat(r.path("size").asLong()).isBetween(0L, 10_000L);
            }
        }
    }

    @Test
    void liveFeedsPushStatsEachSecondEndWithTheTabAndAreCapped() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
        try {
            HttpResponse<java.io.InputStream> first = http.send(
                    HttpRequest.newBuilder(SLUICE.baseUri().resolve("/system/live"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(first.statusCode()).isEqualTo(200);
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(first.body()));
            int data = 0;
            for (String line; data < 2 && (line = reader.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    assertThat(JSON.readTree(line.substring(6)).has("admission"))
                            .isTrue();
                    data++;
                }
            }
            assertThat(data).isEqualTo(2);
            for (int i = 0; i < 15; i++) {
                open.add(http.sendAsync(
                        HttpRequest.newBuilder(SLUICE.baseUri().resolve("/system/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> feeds() == 16);
            assertThat(Http.get(SLUICE.baseUri(), "/system/live").statusCode()).isEqualTo(503);
            reader.close();
            for (var f : open) {
                f.get().body().close();
            }
        } finally {
            http.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> feeds() == 0); // closed tabs end their feeds
    }

    @Test
    void gcAndHeapDumpNeedTheAdminKey() throws Exception {
        assertThat(Http.post(SLUICE.baseUri(), "/system/gc", "").statusCode()).isEqualTo(401);
        assertThat(Http.get(SLUICE.baseUri(), "/system/heapdump").statusCode()).isEqualTo(401);

        HttpResponse<String> gc = Http.post(SLUICE.baseUri(), "/system/gc", "", "authorization", "Bearer " + ADMIN);
        assertThat(gc.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(gc.body()).path("floorBytesAfter").asLong()).isPositive();

        HttpResponse<byte[]> dump = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(SLUICE.baseUri().resolve("/system/heapdump"))
                                .header("authorization", "Bearer " + ADMIN)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(dump.statusCode()).isEqualTo(200);
        assertThat(new String(dump.body(), 0, 12, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("JAVA PROFILE");
        assertThat(dump.body().length).isGreaterThan(1_000_000);
    }
}
