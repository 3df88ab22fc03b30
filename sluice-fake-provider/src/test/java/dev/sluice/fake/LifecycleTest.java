package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    static final Duration PROMPTLY = Duration.ofSeconds(5);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private FakeProvider start(FakeProvider.Builder builder) {
        return closing(builder.start());
    }

    @Test
    void clientLeavingMidStreamEndsTheExchangeAsAborted() {
        FakeProvider provider = start(FakeProvider.builder().deltas(1000).deltaInterval(Duration.ofMillis(50)));
        try (RawHttp raw = new RawHttp(provider)) {
            raw.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM).readUntil("event: content_block_delta");
            assertThat(provider.activeExchanges()).isEqualTo(1);
            assertThat(provider.leaks()).singleElement().asString().contains("activeExchanges=1");
        }
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 0);
        assertThat(provider.exchangesAborted()).isEqualTo(1);
        assertThat(provider.exchangesCompleted()).isZero();
        assertThat(provider.leaks()).isEmpty();
    }

    @Test
    void clientLeavingDuringNoAnswerEndsTheExchangeAsAborted() {
        FakeProvider provider = start(FakeProvider.builder());
        try (RawHttp raw = new RawHttp(provider)) {
            raw.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "no-answer");
            await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 1);
        }
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 0);
        assertThat(provider.exchangesAborted()).isEqualTo(1);
        await().atMost(PROMPTLY).until(() -> provider.openConnections() == 0);
    }

    @Test
    void clientLeavingDuringSlowHeadersOrFirstTokenEndsTheExchange() {
        FakeProvider provider = start(FakeProvider.builder());
        try (RawHttp headers = new RawHttp(provider);
                RawHttp token = new RawHttp(provider)) {
            headers.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-fault", "slow-headers");
            token.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-fault", "slow-first-token")
                    .readUntil("event: ping");
            await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 2);
        }
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 0);
        assertThat(provider.exchangesAborted()).isEqualTo(2);
    }

    @Test
    void closingTheServerEndsParkedExchangesAndIsIdempotent() {
        FakeProvider provider = FakeProvider.builder().start();
        try (RawHttp raw = new RawHttp(provider)) {
            raw.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "no-answer");
            await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 1);
            provider.close();
            assertThat(provider.activeExchanges()).isZero();
            assertThat(provider.exchangesAborted()).isEqualTo(1);
            assertThat(raw.readToEnd()).doesNotContain("HTTP/1.1 200");
        }
        provider.close();
        assertThat(provider.leaks()).isEmpty();
    }

    @Test
    void openConnectionsFollowTheClient() {
        FakeProvider provider = start(FakeProvider.builder());
        RawHttp first = new RawHttp(provider);
        RawHttp second = new RawHttp(provider);
        first.post("/v1/messages", Http.HELLO_ANTHROPIC).readUntil("\"end_turn\"");
        second.post("/v1/messages", Http.HELLO_ANTHROPIC).readUntil("\"end_turn\"");
        assertThat(provider.openConnections()).isEqualTo(2);
        assertThat(provider.activeExchanges()).isZero();
        first.close();
        second.close();
        await().atMost(PROMPTLY).until(() -> provider.openConnections() == 0);
        assertThat(provider.exchangesCompleted()).isEqualTo(2);
    }

    @Test
    void slotsRefuseOneMoreThanCapacityAndFreeOnEveryPath() {
        FakeProvider provider = start(FakeProvider.builder().slots(2));
        Http http = closing(new Http(provider));
        RawHttp first = closing(new RawHttp(provider));
        RawHttp second = closing(new RawHttp(provider));
        first.post("/v1/messages", Http.HELLO_ANTHROPIC_STREAM, "x-fake-ttft", "60s")
                .readUntil("event: ping");
        second.post("/v1/chat/completions", Http.HELLO_OPENAI, "x-fake-latency", "60s");
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 2);

        var anthropic = http.post("/v1/messages", Http.HELLO_ANTHROPIC);
        assertThat(anthropic.statusCode()).isEqualTo(529);
        assertThat(Http.json(anthropic.body()).path("error").path("type").asText())
                .isEqualTo("overloaded_error");
        assertThat(Http.json(anthropic.body()).path("error").path("message").asText())
                .contains("2/2");
        assertThat(http.post("/v1/chat/completions", Http.HELLO_OPENAI).statusCode())
                .isEqualTo(503);
        assertThat(http.post("/api/chat", "{\"model\":\"m\"}").statusCode()).isEqualTo(503);

        first.close(); // an aborted exchange frees its slot
        await().atMost(PROMPTLY).until(() -> provider.activeExchanges() == 1);
        for (int i = 0; i < 5; i++) { // and so does each completed one
            assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC).statusCode())
                    .isEqualTo(200);
        }
        for (String fault : List.of("stream-cut", "reset")) { // and each scripted failure
            assertThatThrownBy(() -> http.postRaw("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", fault))
                    .isInstanceOf(IOException.class);
        }
        assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC, "x-fake-fault", "malformed")
                        .statusCode())
                .isEqualTo(200);
        assertThat(http.post("/v1/messages", Http.HELLO_ANTHROPIC).statusCode()).isEqualTo(200);
    }

    @Test
    void recentRequestsKeepTheLast256WithTheirDetails() {
        FakeProvider provider = start(FakeProvider.builder());
        Http http = closing(new Http(provider));
        for (int i = 0; i < 260; i++) http.get("/v1/models?i=" + i);
        http.post("/v1/messages?beta=true", Http.HELLO_ANTHROPIC, "anthropic-version", "2023-06-01");

        List<RecordedRequest> recent = provider.recentRequests();
        assertThat(recent).hasSize(256);
        assertThat(recent.get(0).query()).isEqualTo("i=5");
        RecordedRequest last = recent.get(255);
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.path()).isEqualTo("/v1/messages");
        assertThat(last.query()).isEqualTo("beta=true");
        assertThat(last.header("Anthropic-Version")).hasValue("2023-06-01");
        assertThat(last.headers().get("anthropic-version")).containsExactly("2023-06-01");
        assertThat(last.body()).isEqualTo(Http.HELLO_ANTHROPIC);
    }

    @Test
    void recordedBodiesAreTruncatedTo256KiB() {
        FakeProvider provider = start(FakeProvider.builder());
        Http http = closing(new Http(provider));
        String big = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(300_000) + "\"}]}";
        assertThat(http.post("/v1/messages", big).statusCode()).isEqualTo(200);
        assertThat(provider.recentRequests().get(0).body()).hasSize(RecordedRequest.MAX_BODY_BYTES);
    }

    @Test
    void builderRefusesBadSettingsListingEveryOne() {
        assertThatThrownBy(() -> FakeProvider.builder()
                        .port(-1)
                        .deltas(0)
                        .slots(-2)
                        .latency(Duration.ofMillis(-5))
                        .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("deltas")
                .hasMessageContaining("slots")
                .hasMessageContaining("latency");
    }

    @Test
    void threadsAreNamedAndGoneAfterClose() {
        FakeProvider provider = FakeProvider.builder().start();
        assertThat(provider.baseUri().toString()).isEqualTo("http://127.0.0.1:" + provider.port());
        assertThat(fakeThreads())
                .isNotEmpty()
                .allSatisfy(name -> assertThat(name).startsWith("sluice-fake-"));
        provider.close();
        await().atMost(PROMPTLY).until(() -> fakeThreads().isEmpty());
    }

    private static List<String> fakeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("sluice-fake"))
                .toList();
    }
}
