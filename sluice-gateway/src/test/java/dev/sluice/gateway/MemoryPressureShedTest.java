package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.MemorySample;
import dev.sluice.core.ShedReason;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faked post-GC pressure sheds new requests within one refresh; below the low mark they are admitted again. */
@LeakChecked
class MemoryPressureShedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX = 1L << 30;
    private static final AtomicReference<Double> FLOOR = new AtomicReference<>(0.30);
    private static final AtomicLong GCS = new AtomicLong();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create();

    static Sluice sluice;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> s = new HashMap<>(Map.of(
                "server.port",
                "0",
                "demo.mode",
                "off",
                "upstream.api-key",
                "k",
                "upstream.url",
                FAKE.baseUri().toString(),
                "shutdown.pre-drain",
                "0s",
                "memory.refresh-interval",
                "50ms"));
        sluice = Sluice.start(
                SluiceExtension.config(s),
                () -> Optional.of(
                        new MemorySample((long) (FLOOR.get() * MAX), MAX, GCS.incrementAndGet(), Instant.now())));
    }

    @AfterAll
    static void stop() {
        sluice.close();
    }

    @Test
    void pressureAboveTheHighMarkShedsWithinOneRefreshAndTheLowMarkAdmitsAgain() throws Exception {
        assertThat(post().statusCode()).isEqualTo(200);

        FLOOR.set(0.93);
        long t0 = System.nanoTime();
        await().atMost(Duration.ofMillis(250))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> sluice.memoryUnderPressure());
        long shedAfterMillis = (System.nanoTime() - t0) / 1_000_000;
        HttpResponse<String> shed = post();
        assertThat(shed.statusCode()).isEqualTo(529);
        JsonNode error = JSON.readTree(shed.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("overloaded_error");
        assertThat(error.path("message").asText()).contains("old gen after GC 93% > 92%");
        assertThat(Http.get(sluice.baseUri(), "/health/ready").statusCode()).isEqualTo(200);
        JsonNode memory = JSON.readTree(
                        Http.get(sluice.baseUri(), "/system/stats").body())
                .path("memory");
        assertThat(memory.path("underPressure").asBoolean()).isTrue();
        assertThat(memory.path("state").asText()).isEqualTo("CRITICAL");
        assertThat(shedAfterMillis).isLessThanOrEqualTo(250);

        FLOOR.set(0.88); // between the marks: still shedding (hysteresis)
        long gcs = GCS.get();
        await().atMost(Duration.ofSeconds(2)).until(() -> GCS.get() > gcs + 2);
        assertThat(post().statusCode()).isEqualTo(529);

        FLOOR.set(0.84);
        await().atMost(Duration.ofMillis(250))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> !sluice.memoryUnderPressure());
        assertThat(post().statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sluice.inFlight() == 0); // the answer can arrive before the permit's release
        assertThat(sluice.admissionStats().shed(ShedReason.GATE)).isEqualTo(2);
    }

    private static HttpResponse<String> post() throws Exception {
        return Http.post(sluice.baseUri(), "/v1/messages", messageBody("fake-model", false), anthropicHeaders());
    }
}
