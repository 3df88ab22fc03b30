package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Under overload, interactive requests keep their reserved share and may wait briefly; batch is shed first. */
@LeakChecked
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PriorityAndQueueTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(400).deltaInterval(Duration.ofMillis(20)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "admission.max-in-flight",
            "4",
            "admission.interactive-reserve",
            "0.5",
            "admission.queue-size",
            "2",
            "admission.queue-timeout",
            "2s");

    @Test
    @org.junit.jupiter.api.Order(
            2) // after only short holds: the predicted waits fit the 2 s deadline, so requests queue
    void batchWaitsForItsShareIsEvictedByInteractiveAndEveryWaiterIsShedAfterTheQueueTimeout() throws Exception {
        List<SseStream> open = new ArrayList<>();
        try {
            open.add(stream("batch"));
            open.add(stream("batch")); // batch's share (half of 4) is now used
            open.add(stream("interactive"));
            open.add(stream("interactive")); // interactive still gets the reserved half

            CompletableFuture<HttpResponse<String>> firstBatch = async("batch");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> SLUICE.sluice().admissionStats().queued() == 1);
            CompletableFuture<HttpResponse<String>> secondBatch = async("batch");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> SLUICE.sluice().admissionStats().queued() == 2);
            CompletableFuture<HttpResponse<String>> interactive = async("interactive"); // queue full: evicts a batch

            assertShed(secondBatch.get(5, TimeUnit.SECONDS), "evicted");
            assertShed(firstBatch.get(5, TimeUnit.SECONDS), "queue wait");
            assertShed(interactive.get(5, TimeUnit.SECONDS), "queue wait");

            JsonNode stats = JSON.readTree(
                            Http.get(SLUICE.baseUri(), "/system/stats").body())
                    .path("admission");
            assertThat(stats.path("inFlight").asLong()).isEqualTo(4);
            assertThat(stats.path("shed").path("priority").asLong()).isEqualTo(1);
            assertThat(stats.path("shed").path("queue_timeout").asLong()).isEqualTo(2);
            assertThat(stats.path("queued").asLong()).isZero();
        } finally {
            open.forEach(SseStream::disconnect);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
    }

    private static CompletableFuture<HttpResponse<String>> async(String priority) {
        CompletableFuture<HttpResponse<String>> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(post(priority));
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Test
    @org.junit.jupiter.api.Order(1) // before any permit is released: no wait prediction yet, so the request queues
    void aQueuedInteractiveRequestStartsAsSoonAsAPermitIsReleased() throws Exception {
        List<SseStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(stream("interactive"));
            }
            long rejectedBefore = SLUICE.sluice().admissionStats().rejected();
            Thread releaser = Thread.ofVirtual().start(() -> {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> SLUICE.sluice().admissionStats().queued() == 1);
                open.get(0).disconnect();
            });
            HttpResponse<String> queued = post("interactive");
            releaser.join();

            assertThat(queued.statusCode()).isEqualTo(200);
            assertThat(SLUICE.sluice().admissionStats().rejected()).isEqualTo(rejectedBefore);
        } finally {
            open.forEach(SseStream::disconnect);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> SLUICE.sluice().inFlight() == 0);
    }

    @Test
    void anUnknownPriorityIsA400() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                messageBody("m", false),
                anthropicHeaders("x-sluice-priority", "urgent"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("x-sluice-priority");
    }

    private static SseStream stream(String priority) {
        Map<String, String> h = new HashMap<>(UpstreamFailureOutcomesTest.headers());
        h.put("x-sluice-priority", priority);
        SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post(
                        "/v1/messages",
                        h,
                        messageBody("fake-model", true).replace("\"max_tokens\":64", "\"max_tokens\":300"));
        assertThat(s.status()).as("%s stream admitted", priority).isEqualTo(200);
        assertThat(s.next(Duration.ofSeconds(5))).isPresent();
        return s;
    }

    private static HttpResponse<String> post(String priority) throws Exception {
        return Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                messageBody("fake-model", false).replace("\"max_tokens\":64", "\"max_tokens\":3"),
                anthropicHeaders("x-sluice-priority", priority));
    }

    private static void assertShed(HttpResponse<String> r, String cause) throws Exception {
        assertThat(r.statusCode()).isEqualTo(529);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("overloaded_error");
        assertThat(error.path("message").asText()).contains(cause);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
    }
}
