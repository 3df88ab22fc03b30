package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Anthropic requests to Ollama's /api/chat, each row translated to exactly the Ollama request shown. */
class OllamaRequestTest {
    private static final String HI = "{'role':'user','content':'hi'}";

    static List<Arguments> rows() {
        return List.of(
                Arguments.of(
                        "nothing added except the explicit stream flag Ollama needs",
                        "{'model':'llama3.2','max_tokens':100,'messages':[" + HI + "]}",
                        "{'model':'llama3.2','stream':false,'messages':[" + HI + "],'options':{'num_predict':100}}"),
                Arguments.of(
                        "system blocks and every sampling parameter",
                        "{'model':'m','max_tokens':50,'system':[{'type':'text','text':'A','cache_control':{'type':'ephemeral'}},"
                                + "{'type':'text','text':'B'}],'temperature':0.2,'top_p':0.8,'top_k':40,'stop_sequences':['END'],"
                                + "'stream':true,'messages':[" + HI + "]}",
                        "{'model':'m','stream':true,'messages':[{'role':'system','content':'A\\n\\nB'}," + HI + "],"
                                + "'options':{'num_predict':50,'temperature':0.2,'top_p':0.8,'top_k':40,'stop':['END']}}"),
                Arguments.of(
                        "base64 image goes to images",
                        "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':[{'type':'text','text':'what?'},"
                                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0KGgo='}}]}]}",
                        "{'model':'m','stream':false,'options':{'num_predict':5},'messages':[{'role':'user','content':'what?',"
                                + "'images':['iVBORw0KGgo=']}]}"),
                Arguments.of(
                        "tools, a tool call with object arguments, its result with tool_name, thinking",
                        "{'model':'m','max_tokens':5,'thinking':{'type':'enabled','budget_tokens':2000},'tools':["
                                + RequestConformanceTest.ANTHROPIC_TOOL + "],'tool_choice':{'type':'auto'},'messages':["
                                + HI + ","
                                + "{'role':'assistant','content':[{'type':'thinking','thinking':'hm','signature':'sig'},"
                                + "{'type':'tool_use','id':'toolu_1','name':'get_weather','input':{'location':'Paris'}}]},"
                                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'18C'}]}]}",
                        "{'model':'m','stream':false,'think':true,'options':{'num_predict':5},'tools':["
                                + RequestConformanceTest.OPENAI_TOOL + "],'messages':[" + HI + ","
                                + "{'role':'assistant','content':'','tool_calls':[{'function':{'name':'get_weather',"
                                + "'arguments':{'location':'Paris'}}}]},{'role':'tool','content':'18C','tool_name':'get_weather'}]}"),
                Arguments.of(
                        "tool_choice none drops the tools",
                        "{'model':'m','max_tokens':5,'tools':[" + RequestConformanceTest.ANTHROPIC_TOOL + "],"
                                + "'tool_choice':{'type':'none'},'messages':[" + HI + "]}",
                        "{'model':'m','stream':false,'options':{'num_predict':5},'messages':[" + HI + "]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void translatesToOllama(String name, String anthropic, String ollama) throws TranslationException {
        assertThat(json(Translate.anthropicRequestToOllama(json(anthropic)).toString()))
                .isEqualTo(json(ollama));
    }
}
