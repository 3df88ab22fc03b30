package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pinned Anthropic and OpenAI JS SDKs (src/test/clients, {@code sdk-check.mjs}) through Sluice to an
 * Anthropic-kind and an OpenAI-kind upstream (the fake): a whole and a streamed answer with the same
 * text and usage, and a tool call round trip (call streamed, result sent back and quoted); and the OpenAI
 * JS SDK's Responses API the same way to those and an Ollama-kind upstream. Skipped when node or npm is
 * missing, except under CI=true.
 */
@LeakChecked
class SdkClientsThroughSluiceTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(5));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.oll.kind",
            "ollama",
            "providers.oll.url",
            "{fake}",
            "routes.via-anthropic.targets",
            "ant:fake-model",
            "routes.via-openai.targets",
            "oai:fake-model",
            "routes.via-ollama.targets",
            "oll:fake-model");

    @Test
    void bothJsSdksGetWholeStreamedAndToolAnswersFromBothUpstreamKinds() throws Exception {
        Path clients = NodeClients.installed();
        Stats before = Stats.now();
        String out = NodeClients.run(
                clients,
                60,
                "node",
                "sdk-check.mjs",
                SLUICE.baseUri().toString().replaceAll("/$", ""),
                SluiceExtension.CLIENT_KEY,
                "via-anthropic",
                "via-openai");
        JsonNode r = new ObjectMapper()
                .readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));

        for (String model : new String[] {"via-anthropic", "via-openai"}) {
            JsonNode whole = r.path("anthropic/" + model + "/whole");
            JsonNode stream = r.path("anthropic/" + model + "/stream");
            assertThat(whole.path("text").asText()).as(out).isNotBlank();
            assertThat(whole.path("stop").asText()).isEqualTo("end_turn");
            assertThat(whole.path("input").asInt()).isPositive();
            assertThat(whole.path("output").asInt()).isEqualTo(5);
            assertThat(stream.path("text").asText())
                    .isEqualTo(whole.path("text").asText());
            assertThat(stream.path("deltas").asInt()).isEqualTo(5);
            assertThat(stream.path("stop").asText()).isEqualTo("end_turn");
            assertThat(stream.path("output").asInt()).isEqualTo(5);
            JsonNode tool = r.path("anthropic/" + model + "/tool");
            assertThat(tool.path("stop").asText()).as(out).isEqualTo("tool_use");
            assertThat(tool.path("name").asText()).isEqualTo("get_weather");
            assertThat(tool.path("input").toString()).isEqualTo("{\"city\":\"sluice\"}");
            assertThat(tool.path("answer").asText()).startsWith("Tool result: sunny, 21 C.");
            assertThat(tool.path("answerStop").asText()).isEqualTo("end_turn");

            JsonNode oWhole = r.path("openai/" + model + "/whole");
            JsonNode oStream = r.path("openai/" + model + "/stream");
            assertThat(oWhole.path("text").asText())
                    .as(out)
                    .isEqualTo(whole.path("text").asText());
            assertThat(oWhole.path("stop").asText()).isEqualTo("stop");
            assertThat(oWhole.path("input").asInt()).isPositive();
            assertThat(oWhole.path("output").asInt()).isEqualTo(5);
            assertThat(oStream.path("text").asText())
                    .isEqualTo(whole.path("text").asText());
            assertThat(oStream.path("deltas").asInt()).isEqualTo(5);
            assertThat(oStream.path("stop").asText()).isEqualTo("stop");
            assertThat(oStream.path("output").asInt()).isEqualTo(5);
            JsonNode oTool = r.path("openai/" + model + "/tool");
            assertThat(oTool.path("stop").asText()).as(out).isEqualTo("tool_calls");
            assertThat(oTool.path("name").asText()).isEqualTo("get_weather");
            assertThat(oTool.path("input").toString()).isEqualTo("{\"city\":\"sluice\"}");
            assertThat(oTool.path("answer").asText()).startsWith("Tool result: sunny, 21 C.");
            assertThat(oTool.path("answerStop").asText()).isEqualTo("stop");
        }
        Stats after = Stats.now();
        assertThat(after.total() - before.total()).isEqualTo(16);
        assertThat(after.errors() - before.errors()).isZero();
    }

    /**
     * The OpenAI JS SDK's Responses API through {@code /v1/responses} to each upstream dialect: a whole and a
     * streamed response (raw events and the SDK's {@code responses.stream} helper) with the text the same
     * prompt gets through Chat Completions, and a function tool round trip; {@code sdk-check.mjs --responses}
     * checks the event order and fails on any mismatch itself.
     */
    @Test
    void theOpenAiJsSdksResponsesApiGetsWholeStreamedAndToolAnswersFromEveryUpstreamKind() throws Exception {
        Path clients = NodeClients.installed();
        Stats before = Stats.now();
        String[] models = {"via-anthropic", "via-openai", "via-ollama"};
        String out = NodeClients.run(
                clients,
                60,
                "node",
                "sdk-check.mjs",
                "--responses",
                SLUICE.baseUri().toString().replaceAll("/$", ""),
                SluiceExtension.CLIENT_KEY,
                models[0],
                models[1],
                models[2]);
        JsonNode r = new ObjectMapper()
                .readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));

        for (String model : models) {
            JsonNode whole = r.path("responses/" + model + "/whole");
            assertThat(whole.path("text").asText())
                    .as(out)
                    .isNotBlank()
                    .isEqualTo(whole.path("expected").asText());
            assertThat(whole.path("status").asText()).isEqualTo("completed");
            assertThat(whole.path("model").asText()).isEqualTo("fake-model");
            assertThat(whole.path("input").asInt()).isPositive();
            assertThat(whole.path("output").asInt()).isEqualTo(5);
            JsonNode stream = r.path("responses/" + model + "/stream");
            assertThat(stream.path("text").asText())
                    .as(out)
                    .isEqualTo(whole.path("text").asText());
            assertThat(stream.path("deltas").asInt()).isEqualTo(5);
            assertThat(stream.path("first").asText()).isEqualTo("response.created");
            assertThat(stream.path("last").asText()).isEqualTo("response.completed");
            assertThat(stream.path("status").asText()).isEqualTo("completed");
            assertThat(stream.path("input").asInt()).isPositive();
            assertThat(stream.path("output").asInt()).isEqualTo(5);
            JsonNode helper = r.path("responses/" + model + "/helper");
            assertThat(helper.path("text").asText())
                    .as(out)
                    .isEqualTo(whole.path("text").asText());
            assertThat(helper.path("deltas").asInt()).isEqualTo(5);
            assertThat(helper.path("status").asText()).isEqualTo("completed");
            JsonNode tool = r.path("responses/" + model + "/tool");
            assertThat(tool.path("name").asText()).as(out).isEqualTo("get_weather");
            assertThat(tool.path("input").toString()).isEqualTo("{\"city\":\"sluice\"}");
            assertThat(tool.path("callId").asText()).isNotBlank();
            assertThat(tool.path("status").asText()).isEqualTo("completed");
            assertThat(tool.path("answer").asText()).startsWith("Tool result: sunny, 21 C.");
            assertThat(tool.path("answerStatus").asText()).isEqualTo("completed");
        }
        Stats after = Stats.now();
        assertThat(after.total() - before.total()).as("6 calls per model").isEqualTo(18);
        assertThat(after.errors() - before.errors()).isZero();
    }

    /** Sluice's request counters: the tests share one Sluice, so each compares its own before and after. */
    private record Stats(int total, int errors) {
        static Stats now() throws Exception {
            JsonNode stats = new ObjectMapper()
                    .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body());
            return new Stats(
                    stats.path("requests").path("total").asInt(),
                    stats.path("requests").path("errors").asInt());
        }
    }
}
