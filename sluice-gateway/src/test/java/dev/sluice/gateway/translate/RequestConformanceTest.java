package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests both ways. Each row is a round trip: OpenAI-first rows translate {@code openAi} to
 * exactly {@code anthropic}, and that back to exactly {@code openAiBack}; Anthropic-first rows
 * translate {@code anthropic} to exactly {@code openAi} and that back to exactly {@code anthropicBack}.
 */
class RequestConformanceTest {

    record Row(String name, boolean openAiFirst, String first, String second, String back) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row openAiFirst(String name, String openAi, String anthropic, String openAiBack) {
        return new Row(name, true, openAi, anthropic, openAiBack);
    }

    private static Row anthropicFirst(String name, String anthropic, String openAi, String anthropicBack) {
        return new Row(name, false, anthropic, openAi, anthropicBack);
    }

    private static final String HI = "{'role':'user','content':'hi'}";

    static List<Row> rows() {
        return List.of(
                openAiFirst(
                        "nothing added: no temperature, tools or system; only the required max_tokens",
                        "{'model':'m','messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':4096,'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':4096,'messages':[" + HI + "]}"),
                openAiFirst(
                        "system string",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'system','content':'Be brief.'}," + HI + "]}",
                        "{'model':'m','max_tokens':10,'system':'Be brief.','messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'system','content':'Be brief.'}," + HI
                                + "]}"),
                openAiFirst(
                        "system and developer messages in the middle go to system; users around them merge",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'system','content':'A'},{'role':'user','content':'hi'},"
                                + "{'role':'developer','content':[{'type':'text','text':'B'}]},{'role':'user','content':'more'}]}",
                        "{'model':'m','max_tokens':10,'system':[{'type':'text','text':'A'},{'type':'text','text':'B'}],"
                                + "'messages':[{'role':'user','content':[{'type':'text','text':'hi'},{'type':'text','text':'more'}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'system','content':'A\\n\\nB'},"
                                + "{'role':'user','content':[{'type':'text','text':'hi'},{'type':'text','text':'more'}]}]}"),
                anthropicFirst(
                        "system blocks with cache_control: text kept, cache_control dropped",
                        "{'model':'m','max_tokens':10,'system':[{'type':'text','text':'A','cache_control':{'type':'ephemeral'}},"
                                + "{'type':'text','text':'B'}],'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'system','content':'A\\n\\nB'}," + HI + "]}",
                        "{'model':'m','max_tokens':10,'system':'A\\n\\nB','messages':[" + HI + "]}"),
                openAiFirst(
                        "multi-turn",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + ",{'role':'assistant','content':'hello'},"
                                + "{'role':'user','content':'how are you?'}]}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + ",{'role':'assistant','content':'hello'},"
                                + "{'role':'user','content':'how are you?'}]}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + ",{'role':'assistant','content':'hello'},"
                                + "{'role':'user','content':'how are you?'}]}"),
                openAiFirst(
                        "image as base64 data URL",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'text','text':'what is it?'},"
                                + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'text','text':'what is it?'},"
                                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'iVBORw0KGgo='}}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'text','text':'what is it?'},"
                                + "{'type':'image_url','image_url':{'url':'data:image/png;base64,iVBORw0KGgo='}}]}]}"),
                anthropicFirst(
                        "image by https URL",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'image','source':"
                                + "{'type':'url','url':'https://example.com/cat.jpg'}},{'type':'text','text':'and this?'}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'image_url','image_url':"
                                + "{'url':'https://example.com/cat.jpg'}},{'type':'text','text':'and this?'}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'user','content':[{'type':'image','source':"
                                + "{'type':'url','url':'https://example.com/cat.jpg'}},{'type':'text','text':'and this?'}]}]}"),
                openAiFirst(
                        "tools, tool_choice auto, parallel_tool_calls false",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL + "],"
                                + "'tool_choice':'auto','parallel_tool_calls':false}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + ANTHROPIC_TOOL + "],"
                                + "'tool_choice':{'type':'auto','disable_parallel_tool_use':true}}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL + "],"
                                + "'tool_choice':'auto','parallel_tool_calls':false}"),
                openAiFirst(
                        "tool_choice required <-> any",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL
                                + "],'tool_choice':'required'}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + ANTHROPIC_TOOL
                                + "],'tool_choice':{'type':'any'}}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL
                                + "],'tool_choice':'required'}"),
                openAiFirst(
                        "tool_choice function <-> tool",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL + "],"
                                + "'tool_choice':{'type':'function','function':{'name':'get_weather'}}}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + ANTHROPIC_TOOL + "],"
                                + "'tool_choice':{'type':'tool','name':'get_weather'}}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL + "],"
                                + "'tool_choice':{'type':'function','function':{'name':'get_weather'}}}"),
                openAiFirst(
                        "tool_choice none",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL
                                + "],'tool_choice':'none'}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + ANTHROPIC_TOOL
                                + "],'tool_choice':{'type':'none'}}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI + "],'tools':[" + OPENAI_TOOL
                                + "],'tool_choice':'none'}"),
                openAiFirst(
                        "parallel tool calls and their results",
                        "{'model':'m','max_tokens':10,'messages':[" + HI
                                + ",{'role':'assistant','content':'Checking.','tool_calls':["
                                + "{'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\"location\":\"Paris\"}'}},"
                                + "{'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\"location\":\"Rome\"}'}}]},"
                                + "{'role':'tool','tool_call_id':'call_1','content':'18C'},{'role':'tool','tool_call_id':'call_2','content':'25C'}]}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI
                                + ",{'role':'assistant','content':[{'type':'text','text':'Checking.'},"
                                + "{'type':'tool_use','id':'call_1','name':'get_weather','input':{'location':'Paris'}},"
                                + "{'type':'tool_use','id':'call_2','name':'get_weather','input':{'location':'Rome'}}]},"
                                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'call_1','content':'18C'},"
                                + "{'type':'tool_result','tool_use_id':'call_2','content':'25C'}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[" + HI
                                + ",{'role':'assistant','content':'Checking.','tool_calls':["
                                + "{'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\"location\":\"Paris\"}'}},"
                                + "{'id':'call_2','type':'function','function':{'name':'get_weather','arguments':'{\"location\":\"Rome\"}'}}]},"
                                + "{'role':'tool','tool_call_id':'call_1','content':'18C'},{'role':'tool','tool_call_id':'call_2','content':'25C'}]}"),
                anthropicFirst(
                        "error tool result with text blocks: joined, prefixed Error:, placed before the user's text",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'toolu_1',"
                                + "'name':'run','input':{}}]},{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1',"
                                + "'is_error':true,'content':[{'type':'text','text':'exit 1'},{'type':'text','text':'no such file'}]},"
                                + "{'type':'text','text':'fix it'}]}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'assistant','content':null,'tool_calls':[{'id':'toolu_1',"
                                + "'type':'function','function':{'name':'run','arguments':'{}'}}]},"
                                + "{'role':'tool','tool_call_id':'toolu_1','content':'Error: exit 1\\nno such file'},"
                                + "{'role':'user','content':'fix it'}]}",
                        "{'model':'m','max_tokens':10,'messages':[{'role':'assistant','content':[{'type':'tool_use','id':'toolu_1',"
                                + "'name':'run','input':{}}]},{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1',"
                                + "'content':'Error: exit 1\\nno such file'},{'type':'text','text':'fix it'}]}]}"),
                anthropicFirst(
                        "thinking: budget to reasoning_effort; signed history thinking dropped",
                        "{'model':'m','max_tokens':20000,'thinking':{'type':'enabled','budget_tokens':5000},'messages':["
                                + HI + ","
                                + "{'role':'assistant','content':[{'type':'thinking','thinking':'hmm','signature':'EqQBCgIYAh'},"
                                + "{'type':'redacted_thinking','data':'abc'},{'type':'text','text':'hello'}]}]}",
                        "{'model':'m','max_tokens':20000,'reasoning_effort':'medium','messages':[" + HI + ","
                                + "{'role':'assistant','content':'hello'}]}",
                        "{'model':'m','max_tokens':20000,'thinking':{'type':'enabled','budget_tokens':8192},'messages':["
                                + HI + "," + "{'role':'assistant','content':'hello'}]}"),
                openAiFirst(
                        "reasoning_effort low <-> thinking 2048",
                        "{'model':'m','max_tokens':8000,'reasoning_effort':'low','messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':8000,'thinking':{'type':'enabled','budget_tokens':2048},'messages':["
                                + HI + "]}",
                        "{'model':'m','max_tokens':8000,'reasoning_effort':'low','messages':[" + HI + "]}"),
                openAiFirst(
                        "reasoning_effort high without a limit: budget lowered under the default max_tokens (so back it reads low)",
                        "{'model':'m','reasoning_effort':'high','messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':4096,'thinking':{'type':'enabled','budget_tokens':4095},'messages':["
                                + HI + "]}",
                        "{'model':'m','max_tokens':4096,'reasoning_effort':'low','messages':[" + HI + "]}"),
                openAiFirst(
                        "parameters: temperature, top_p, stop string, user, stream (usage always asked upstream)",
                        "{'model':'m','max_completion_tokens':300,'temperature':0.5,'top_p':0.9,'stop':'END','user':'u-42',"
                                + "'stream':true,'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':300,'temperature':0.5,'top_p':0.9,'stop_sequences':['END'],"
                                + "'metadata':{'user_id':'u-42'},'stream':true,'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':300,'temperature':0.5,'top_p':0.9,'stop':['END'],'user':'u-42',"
                                + "'stream':true,'stream_options':{'include_usage':true},'messages':[" + HI + "]}"),
                openAiFirst(
                        "stop sequences array",
                        "{'model':'m','max_tokens':10,'stop':['###','END'],'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':10,'stop_sequences':['###','END'],'messages':[" + HI + "]}",
                        "{'model':'m','max_tokens':10,'stop':['###','END'],'messages':[" + HI + "]}"));
    }

    static final String OPENAI_TOOL =
            "{'type':'function','function':{'name':'get_weather','description':'Weather of a city',"
                    + "'parameters':{'type':'object','properties':{'location':{'type':'string'}},'required':['location']}}}";
    static final String ANTHROPIC_TOOL = "{'name':'get_weather','description':'Weather of a city',"
            + "'input_schema':{'type':'object','properties':{'location':{'type':'string'}},'required':['location']}}";

    /** Compared re-parsed: Jackson's equality tells an int node from a long node of the same value. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void translatesBothWays(Row row) throws TranslationException {
        JsonNode first = json(row.first());
        JsonNode untouched = first.deepCopy();
        JsonNode second = row.openAiFirst()
                ? Translate.openAiRequestToAnthropic(first)
                : Translate.anthropicRequestToOpenAi(first);
        assertThat(json(second.toString())).as("forward").isEqualTo(json(row.second()));
        JsonNode back = row.openAiFirst()
                ? Translate.anthropicRequestToOpenAi(second)
                : Translate.openAiRequestToAnthropic(second);
        assertThat(json(back.toString())).as("back").isEqualTo(json(row.back()));
        assertThat(first).as("input not modified").isEqualTo(untouched);
    }
}
