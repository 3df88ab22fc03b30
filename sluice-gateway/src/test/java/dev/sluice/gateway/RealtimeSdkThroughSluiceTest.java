package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pinned OpenAI JS SDK's Realtime WebSocket client ({@code OpenAIRealtimeWS}, on the pinned {@code ws})
 * through Sluice to an OpenAI-kind upstream (the fake): session.created, a user message, response.create,
 * response.done with a transcript and usage, a normal close ({@code realtime-check.mjs}). Skipped when node
 * or npm is missing, except under CI=true.
 */
@LeakChecked
class RealtimeSdkThroughSluiceTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(5).deltaInterval(Duration.ofMillis(2)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime");

    @Test
    void theOpenAiJsSdksRealtimeClientGetsAWholeResponse() throws Exception {
        Path clients = NodeClients.installed();
        String out = NodeClients.run(
                clients,
                60,
                "node",
                "realtime-check.mjs",
                SLUICE.baseUri().toString().replaceAll("/$", ""),
                SluiceExtension.CLIENT_KEY,
                "gpt-realtime");
        JsonNode r =
                RealtimeWs.JSON.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(r.path("transcript").asText()).as(out).isNotBlank();
        assertThat(r.path("sessionModel").asText()).isEqualTo("gpt-realtime");
        assertThat(r.path("types").path("session.created").asInt()).isEqualTo(1);
        assertThat(r.path("types")
                        .path("response.output_audio_transcript.delta")
                        .asInt())
                .isEqualTo(5);
        assertThat(r.path("types").path("response.output_audio.delta").asInt()).isEqualTo(5);
        assertThat(r.path("types").path("response.done").asInt()).isEqualTo(1);
        assertThat(r.path("audioBytes").asInt()).isEqualTo(5 * 2400);
        assertThat(r.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(r.path("usage").path("output_tokens").asInt()).isPositive();
        assertThat(r.path("closeCode").asInt()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
        JsonNode stats = RealtimeWs.JSON
                .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                .path("realtime");
        assertThat(stats.path("opened").asInt()).isEqualTo(1);
        assertThat(stats.path("closes").path("1000").asInt()).isEqualTo(1);
    }
}
