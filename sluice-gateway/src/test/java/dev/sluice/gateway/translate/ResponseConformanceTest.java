package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.Answers;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Non-streaming answers. Two-way rows: the Anthropic message translates to exactly the OpenAI
 * completion and the completion back to exactly the message. One-way rows cover what only goes
 * one way (Anthropic cache writes, stop_sequence, Ollama answers).
 */
class ResponseConformanceTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochSecond(1735689600L));

    private static String message(String content, String stop, String usage) {
        return "{'id':'chatcmpl-1','type':'message','role':'assistant','model':'upstream-model','content':" + content
                + ",'stop_reason':'" + stop + "','stop_sequence':null,'usage':" + usage + "}";
    }

    private static String completion(String message, String finish, String usage) {
        return "{'id':'chatcmpl-1','object':'chat.completion','created':1735689600,'model':'upstream-model','choices':[{'index':0,"
                + "'message':" + message + ",'logprobs':null,'finish_reason':'" + finish + "'}],'usage':" + usage + "}";
    }

    private static final String A_USAGE =
            "{'input_tokens':12,'output_tokens':7,'cache_read_input_tokens':0,'cache_creation_input_tokens':0}";
    private static final String O_USAGE =
            "{'prompt_tokens':12,'completion_tokens':7,'total_tokens':19,'prompt_tokens_details':{'cached_tokens':0}}";

    static List<Arguments> twoWay() {
        return List.of(
                Arguments.of(
                        "text, end_turn <-> stop",
                        message("[{'type':'text','text':'Hello!'}]", "end_turn", A_USAGE),
                        completion("{'role':'assistant','content':'Hello!','refusal':null}", "stop", O_USAGE)),
                Arguments.of(
                        "max_tokens <-> length",
                        message("[{'type':'text','text':'The answer is'}]", "max_tokens", A_USAGE),
                        completion("{'role':'assistant','content':'The answer is','refusal':null}", "length", O_USAGE)),
                Arguments.of(
                        "refusal <-> content_filter",
                        message("[{'type':'text','text':'No.'}]", "refusal", A_USAGE),
                        completion("{'role':'assistant','content':'No.','refusal':null}", "content_filter", O_USAGE)),
                Arguments.of(
                        "text and two parallel tool calls, tool_use <-> tool_calls, ids kept",
                        message(
                                "[{'type':'text','text':'Checking.'},{'type':'tool_use','id':'call_1','name':'get_weather',"
                                        + "'input':{'location':'Paris'}},{'type':'tool_use','id':'toolu_2','name':'get_time','input':{}}]",
                                "tool_use",
                                A_USAGE),
                        completion(
                                "{'role':'assistant','content':'Checking.','refusal':null,'tool_calls':[{'id':'call_1','type':'function',"
                                        + "'function':{'name':'get_weather','arguments':'{\"location\":\"Paris\"}'}},{'id':'toolu_2',"
                                        + "'type':'function','function':{'name':'get_time','arguments':'{}'}}]}",
                                "tool_calls",
                                O_USAGE)),
                Arguments.of(
                        "thinking <-> reasoning_content",
                        message(
                                "[{'type':'thinking','thinking':'Let me think.','signature':''},{'type':'text','text':'42'}]",
                                "end_turn",
                                A_USAGE),
                        completion(
                                "{'role':'assistant','content':'42','reasoning_content':'Let me think.','refusal':null}",
                                "stop",
                                O_USAGE)),
                Arguments.of(
                        "cache reads: Anthropic input excludes them, OpenAI prompt_tokens includes them",
                        message(
                                "[{'type':'text','text':'ok'}]",
                                "end_turn",
                                "{'input_tokens':12,'output_tokens':7,'cache_read_input_tokens':1000,'cache_creation_input_tokens':0}"),
                        completion(
                                "{'role':'assistant','content':'ok','refusal':null}",
                                "stop",
                                "{'prompt_tokens':1012,'completion_tokens':7,'total_tokens':1019,'prompt_tokens_details':{'cached_tokens':1000}}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twoWay")
    void translatesBothWays(String name, String anthropic, String openAi) throws TranslationException {
        assertThat(reparsed(Answers.anthropicToOpenAi(json(anthropic), "target-model", CLOCK)))
                .isEqualTo(json(openAi));
        assertThat(reparsed(Translate.openAiResponseToAnthropic(json(openAi), "target-model")))
                .isEqualTo(json(anthropic));
    }

    @Test
    void cacheWritesCountAsPromptTokensForOpenAiClients() throws TranslationException {
        JsonNode out = Translate.anthropicResponseToOpenAi(
                json(
                        message(
                                "[]",
                                "stop_sequence",
                                "{'input_tokens':10,'output_tokens':3,'cache_read_input_tokens':100,'cache_creation_input_tokens':50}")),
                "m");
        assertThat(reparsed((ObjectNode) out.get("usage")))
                .isEqualTo(
                        json(
                                "{'prompt_tokens':160,'completion_tokens':3,'total_tokens':163,'prompt_tokens_details':{'cached_tokens':100}}"));
        assertThat(out.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(out.path("choices").path(0).path("message").path("content").isNull())
                .isTrue();
        assertThat(out.path("model").asText()).as("the answer's own model").isEqualTo("upstream-model");
    }

    @Test
    void anAnswerNamingNoModelNamesTheTargetModel() throws TranslationException {
        String bare = "{'id':'x','choices':[{'message':{'role':'assistant','content':'hi'},'finish_reason':'stop'}]}";
        assertThat(Translate.openAiResponseToAnthropic(json(bare), "target-model")
                        .path("model")
                        .asText())
                .isEqualTo("target-model");
        assertThat(Translate.ollamaResponseToAnthropic(
                                json("{'done':true,'message':{'role':'assistant','content':'hi'}}"), "target-model")
                        .path("model")
                        .asText())
                .isEqualTo("target-model");
        assertThat(Translate.anthropicResponseToOpenAi(
                                json("{'id':'msg_1','content':[],'stop_reason':'end_turn'}"), "target-model")
                        .path("model")
                        .asText())
                .isEqualTo("target-model");
    }

    @Test
    void openAiReasoningFieldAndToolCallsWithFinishStopBecomeThinkingAndToolUse() throws TranslationException {
        JsonNode out = Translate.openAiResponseToAnthropic(
                json("{'id':'gen-1','choices':[{'message':{'role':'assistant',"
                        + "'content':null,'reasoning':'why not','tool_calls':[{'id':'c1','type':'function','function':{'name':'f',"
                        + "'arguments':'{\"a\":1}'}}]},'finish_reason':'stop'}]}"),
                "m");
        assertThat(reparsed((ObjectNode) out))
                .isEqualTo(json("{'id':'gen-1','type':'message','role':'assistant','model':'m',"
                        + "'content':[{'type':'thinking','thinking':'why not','signature':''},{'type':'tool_use','id':'c1','name':'f',"
                        + "'input':{'a':1}}],'stop_reason':'tool_use','stop_sequence':null,'usage':"
                        + A_USAGE.replace("12", "0").replace("7", "0") + "}"));
    }

    static List<Arguments> ollama() {
        String done = "'model':'upstream-model','created_at':'2025-01-01T00:00:00Z','done':true,'total_duration':1,"
                + "'prompt_eval_count':26,'eval_count':9";
        return List.of(
                Arguments.of(
                        "text, stop -> end_turn",
                        "{" + done + ",'done_reason':'stop','message':{'role':'assistant','content':'Hi there'}}",
                        "[{'type':'text','text':'Hi there'}]",
                        "end_turn"),
                Arguments.of(
                        "length -> max_tokens",
                        "{" + done + ",'done_reason':'length','message':{'role':'assistant','content':'Hi'}}",
                        "[{'type':'text','text':'Hi'}]",
                        "max_tokens"),
                Arguments.of(
                        "thinking and a tool call with object arguments -> tool_use",
                        "{" + done
                                + ",'done_reason':'stop','message':{'role':'assistant','content':'','thinking':'hmm',"
                                + "'tool_calls':[{'function':{'name':'get_weather','arguments':{'location':'Paris'}}}]}}",
                        "[{'type':'thinking','thinking':'hmm','signature':''},{'type':'tool_use','id':'ID','name':'get_weather',"
                                + "'input':{'location':'Paris'}}]",
                        "tool_use"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ollama")
    void ollamaAnswersBecomeAnthropicMessages(String name, String ollama, String content, String stop)
            throws TranslationException {
        ObjectNode out = Translate.ollamaResponseToAnthropic(json(ollama), "target-model");
        assertThat(out.path("id").asText()).startsWith("msg_");
        for (JsonNode block : out.path("content")) {
            if (block.has("id")) {
                assertThat(block.path("id").asText()).startsWith("toolu_");
                ((ObjectNode) block).put("id", "ID");
            }
        }
        out.put("id", "chatcmpl-1");
        assertThat(reparsed(out))
                .isEqualTo(
                        json(
                                message(
                                        content,
                                        stop,
                                        "{'input_tokens':26,'output_tokens':9,'cache_read_input_tokens':0,'cache_creation_input_tokens':0}")));
    }

    @Test
    void usageOfEachDialect() {
        assertThat(Translate.usageOf(
                        Dialect.ANTHROPIC,
                        json("{'usage':{'input_tokens':10,'output_tokens':3,"
                                + "'cache_read_input_tokens':100,'cache_creation_input_tokens':50}}")))
                .isEqualTo(new Usage(10, 3, 100, 50));
        assertThat(Translate.usageOf(
                        Dialect.OPENAI,
                        json("{'usage':{'prompt_tokens':1012,'completion_tokens':7,"
                                + "'prompt_tokens_details':{'cached_tokens':1000}}}")))
                .isEqualTo(new Usage(12, 7, 1000, 0));
        assertThat(Translate.usageOf(Dialect.OLLAMA, json("{'prompt_eval_count':26,'eval_count':9}")))
                .isEqualTo(new Usage(26, 9, 0, 0));
        for (Dialect dialect : Dialect.values()) {
            assertThat(Translate.usageOf(dialect, json("{'id':'x'}")))
                    .as(dialect.name())
                    .isSameAs(Usage.NONE);
        }
    }

    private static JsonNode reparsed(ObjectNode node) {
        return json(node.toString());
    }
}
