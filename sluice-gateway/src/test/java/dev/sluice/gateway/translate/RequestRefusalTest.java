package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What cannot be expressed is refused with a message naming the field, never silently changed. */
class RequestRefusalTest {

    static List<Arguments> rows() {
        return List.of(
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','n':2,'messages':[{'role':'user','content':'hi'}]}",
                        "n: only one choice"),
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','response_format':{'type':'json_schema'},'messages':[]}",
                        "response_format.type: \"json_schema\""),
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'input_audio',"
                                + "'input_audio':{}}]}]}",
                        "messages[0].content[0].type: unsupported content part type \"input_audio\""),
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','messages':[{'role':'function','content':'x'}]}",
                        "messages[0].role: unsupported role \"function\""),
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','messages':[{'role':'assistant','tool_calls':[{'id':'c','type':'function',"
                                + "'function':{'name':'f','arguments':'{not json'}}]}]}",
                        "messages[0].tool_calls[0].function.arguments: not valid JSON"),
                Arguments.of(
                        Dialect.OPENAI,
                        "{'model':'m','messages':[{'role':'user','content':[{'type':'image_url',"
                                + "'image_url':{'url':'ftp://x/y.png'}}]}]}",
                        "messages[0].content[0].image_url.url"),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        "{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'audio'}]}]}",
                        "messages[0].content[0].type: unsupported block type \"audio\""),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        "{'model':'m','max_tokens':1,'tools':[{'type':'web_search_20250305','name':'web_search'}],"
                                + "'messages':[]}",
                        "tools[0].type: server tool \"web_search_20250305\""),
                Arguments.of(
                        Dialect.ANTHROPIC,
                        "{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'tool_result',"
                                + "'tool_use_id':'t','content':[{'type':'image','source':{}}]}]}]}",
                        "messages[0].content[0].content[0].type"),
                Arguments.of(
                        Dialect.OLLAMA,
                        "{'model':'m','max_tokens':1,'messages':[{'role':'user','content':[{'type':'image',"
                                + "'source':{'type':'url','url':'https://example.com/a.png'}}]}]}",
                        "messages[0].content[0].source.type: Ollama takes base64 images only"));
    }

    /** {@code from}: OPENAI = an OpenAI request to Anthropic; ANTHROPIC = to OpenAI; OLLAMA = an Anthropic request to Ollama. */
    @ParameterizedTest(name = "{2}")
    @MethodSource("rows")
    void refusesWithTheFieldNamed(Dialect from, String request, String message) {
        assertThatThrownBy(() -> {
                    switch (from) {
                        case OPENAI -> Translate.openAiRequestToAnthropic(json(request));
                        case ANTHROPIC -> Translate.anthropicRequestToOpenAi(json(request));
                        case OLLAMA -> Translate.anthropicRequestToOllama(json(request));
                    }
                })
                .isInstanceOf(TranslationException.class)
                .hasMessageContaining(message);
    }
}
