package dev.sluice.gateway.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.stream.Streams;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

/** Responses requests to Chat Completions (and on through the hub), and hub answers back as response objects. */
class ResponsesTranslationTest {

    private static JsonNode json(String singleQuoted) throws Exception {
        return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    }

    @Test
    void aConversationOfItemsBecomesChatMessagesWithToolCallsPairedToTheirResults() throws Exception {
        JsonNode request = json("{'model':'m','instructions':'Be brief.','max_output_tokens':100,"
                + "'reasoning':{'effort':'low'},'parallel_tool_calls':false,'tool_choice':{'type':'function','name':'sh'},"
                + "'tools':[{'type':'function','name':'sh','description':'run','parameters':{'type':'object'}}],"
                + "'input':[{'type':'message','role':'developer','content':[{'type':'input_text','text':'Dev note.'}]},"
                + "{'role':'user','content':[{'type':'input_text','text':'look'},"
                + "{'type':'input_image','image_url':'data:image/png;base64,AAAA'}]},"
                + "{'type':'reasoning','id':'rs_1','summary':[]},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Running.'}]},"
                + "{'type':'function_call','call_id':'call_1','name':'sh','arguments':'{\\'cmd\\':\\'ls\\'}'},"
                + "{'type':'function_call_output','call_id':'call_1','output':'a.txt'}]}");

        ObjectNode chat = Translate.responsesRequestToChat(request);

        JsonNode m = chat.path("messages");
        assertThat(m).hasSize(5);
        assertThat(m.get(0).path("role").asText()).isEqualTo("system");
        assertThat(m.get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(m.get(1).path("role").asText()).isEqualTo("developer");
        assertThat(m.get(1).path("content").asText()).isEqualTo("Dev note.");
        assertThat(m.get(2).path("content").get(1).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64,AAAA");
        assertThat(m.get(3).path("content").asText()).isEqualTo("Running.");
        assertThat(m.get(3).path("tool_calls").get(0).path("id").asText()).isEqualTo("call_1");
        assertThat(m.get(3)
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("arguments")
                        .asText())
                .isEqualTo("{\"cmd\":\"ls\"}");
        assertThat(m.get(4).path("role").asText()).isEqualTo("tool");
        assertThat(m.get(4).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(m.get(4).path("content").asText()).isEqualTo("a.txt");
        assertThat(chat.path("max_completion_tokens").asInt()).isEqualTo(100);
        assertThat(chat.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(chat.path("tool_choice").path("function").path("name").asText())
                .isEqualTo("sh");
        assertThat(chat.path("tools").get(0).path("function").path("name").asText())
                .isEqualTo("sh");
        assertThat(chat.path("parallel_tool_calls").asBoolean()).isFalse();

        ObjectNode anthropic = Translate.openAiRequestToAnthropic(chat);
        assertThat(anthropic.path("system").toString()).contains("Be brief.", "Dev note.");
        assertThat(anthropic
                        .path("messages")
                        .get(1)
                        .path("content")
                        .get(1)
                        .path("type")
                        .asText())
                .isEqualTo("tool_use");
        assertThat(anthropic
                        .path("messages")
                        .get(2)
                        .path("content")
                        .get(0)
                        .path("tool_use_id")
                        .asText())
                .isEqualTo("call_1");
    }

    @Test
    void aStringInputIsOneUserMessageAndAStreamAsksForUsage() throws Exception {
        ObjectNode chat = Translate.responsesRequestToChat(json("{'model':'m','input':'hi','stream':true}"));
        assertThat(chat.path("messages")).hasSize(1);
        assertThat(chat.path("messages").get(0).path("content").asText()).isEqualTo("hi");
        assertThat(chat.path("stream_options").path("include_usage").asBoolean())
                .isTrue();
    }

    @Test
    void whatCannotBeTranslatedIsRefusedNamingIt() throws Exception {
        assertThatThrownBy(() -> Translate.responsesRequestToChat(json("{'model':'m','input':'x',"
                        + "'tools':[{'type':'function','name':'f'},{'type':'web_search'}]}")))
                .isInstanceOf(TranslationException.class)
                .hasMessageContaining("tools[1].type: \"web_search\"")
                .hasMessageContaining("omit-unsupported-tools");
        assertThatThrownBy(() -> Translate.responsesRequestToChat(
                        json("{'model':'m','input':[{'type':'item_reference'," + "'id':'x'}]}")))
                .hasMessageContaining("input[0].type: \"item_reference\"");
        assertThatThrownBy(() -> Translate.responsesRequestToChat(json("{'model':'m','input':'x','background':true}")))
                .hasMessageContaining("background");
        assertThatThrownBy(() -> Translate.responsesRequestToChat(json("{'model':'m','input':[{'role':'user','content':"
                        + "[{'type':'input_image','file_id':'file-1'}]}]}")))
                .hasMessageContaining("input[0].content[0].image_url");
        assertThatThrownBy(() -> Translate.responsesRequestToChat(
                        json("{'model':'m','input':[{'role':'tool'," + "'content':'x'}]}")))
                .hasMessageContaining("input[0].role");
    }

    @Test
    void onlyFunctionToolsAreKeptWhenAskedAndTheRequestIsNotCopiedWithoutNeed() throws Exception {
        JsonNode mixed = json("{'model':'m','input':'x','tools':[{'type':'web_search'},{'type':'function','name':'f'},"
                + "{'type':'namespace','name':'n','tools':[]}]}");
        JsonNode kept = Translate.responsesWithFunctionToolsOnly(mixed);
        assertThat(kept.path("tools")).hasSize(1);
        assertThat(kept.path("tools").get(0).path("name").asText()).isEqualTo("f");
        assertThat(mixed.path("tools")).as("the request itself is not changed").hasSize(3);
        JsonNode plain = json("{'model':'m','input':'x','tools':[{'type':'function','name':'f'}]}");
        assertThat(Translate.responsesWithFunctionToolsOnly(plain)).isSameAs(plain);
    }

    @Test
    void aHubAnswerBecomesAResponseWithItemsUsageAndTheRequestsSettings() throws Exception {
        JsonNode request = json("{'model':'m','input':'x','instructions':'Be brief.','temperature':0.2,"
                + "'tools':[{'type':'function','name':'sh'}],'metadata':{'k':'v'}}");
        JsonNode message = json("{'id':'msg_1','type':'message','role':'assistant','model':'claude-x','content':["
                + "{'type':'thinking','thinking':'hmm','signature':'s'},{'type':'text','text':'Done.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'sh','input':{'cmd':'ls'}}],'stop_reason':'tool_use',"
                + "'usage':{'input_tokens':10,'output_tokens':5,'cache_read_input_tokens':90}}");
        byte[] body = Exchanges.answer(
                Dialect.ANTHROPIC, Dialect.RESPONSES, new byte[0], (ObjectNode) message, "target", request);
        JsonNode r = Json.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));

        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("id").asText()).startsWith("resp_");
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("model").asText()).isEqualTo("claude-x");
        assertThat(r.path("output"))
                .extracting(i -> i.path("type").asText())
                .containsExactly("reasoning", "message", "function_call");
        assertThat(r.path("output").get(0).path("summary").get(0).path("text").asText())
                .isEqualTo("hmm");
        assertThat(r.path("output").get(1).path("content").get(0).path("text").asText())
                .isEqualTo("Done.");
        assertThat(r.path("output").get(2).path("call_id").asText()).isEqualTo("toolu_1");
        assertThat(Json.MAPPER.readTree(
                        r.path("output").get(2).path("arguments").asText()))
                .isEqualTo(json("{'cmd':'ls'}"));
        assertThat(r.path("usage").path("input_tokens").asLong()).isEqualTo(100);
        assertThat(r.path("usage")
                        .path("input_tokens_details")
                        .path("cached_tokens")
                        .asLong())
                .isEqualTo(90);
        assertThat(r.path("usage").path("output_tokens").asLong()).isEqualTo(5);
        assertThat(r.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(r.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(r.path("metadata").path("k").asText()).isEqualTo("v");
        assertThat(r.path("tools").get(0).path("name").asText()).isEqualTo("sh");
        assertThat(Translate.usageOf(Dialect.RESPONSES, r)).isEqualTo(new Usage(10, 5, 90, 0));
    }

    @Test
    void anAnswerCutAtItsTokenLimitIsIncomplete() throws Exception {
        JsonNode message = json("{'type':'message','content':[{'type':'text','text':'Par'}],'stop_reason':'max_tokens',"
                + "'usage':{'input_tokens':1,'output_tokens':1}}");
        JsonNode r = Json.MAPPER.readTree(Exchanges.answer(
                Dialect.ANTHROPIC,
                Dialect.RESPONSES,
                new byte[0],
                (ObjectNode) message,
                "t",
                json("{'model':'m','input':'x'}")));
        assertThat(r.path("status").asText()).isEqualTo("incomplete");
        assertThat(r.path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void aNativeResponsesStreamPassesThroughByteForByteAndIsTrackedForUsageAndFailure() throws Exception {
        StreamTranslator t = Streams.translator(
                Dialect.RESPONSES, Dialect.RESPONSES, "m", false, Json.object(), InstantSource.fixed(Instant.EPOCH));
        var created = new dev.sluice.gateway.provider.SseEvent(
                "response.created", "{\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}");
        assertThat(t.onFrame(created)).isEqualTo(created.toWire());
        var completed = new dev.sluice.gateway.provider.SseEvent(
                "response.completed",
                "{\"type\":\"response.completed\","
                        + "\"response\":{\"id\":\"resp_1\",\"usage\":{\"input_tokens\":12,\"input_tokens_details\":"
                        + "{\"cached_tokens\":2},\"output_tokens\":3}}}");
        t.onFrame(completed);
        assertThat(t.complete()).isTrue();
        assertThat(t.usage()).isEqualTo(new Usage(10, 3, 2, 0));

        StreamTranslator failing = Streams.translator(
                Dialect.RESPONSES, Dialect.RESPONSES, "m", false, Json.object(), InstantSource.fixed(Instant.EPOCH));
        failing.onFrame(new dev.sluice.gateway.provider.SseEvent(
                "response.failed",
                "{\"type\":\"response.failed\","
                        + "\"response\":{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
                        + "\"message\":\"boom\"}}}"));
        assertThat(failing.failed()).isTrue();
        assertThat(failing.complete()).isFalse();
        assertThatThrownBy(() -> Streams.translator(
                                Dialect.RESPONSES, Dialect.RESPONSES, "m", false, Json.object(), InstantSource.system())
                        .onFrame(new dev.sluice.gateway.provider.SseEvent("response.created", "{not json")))
                .isInstanceOf(TranslationException.class);
    }
}
