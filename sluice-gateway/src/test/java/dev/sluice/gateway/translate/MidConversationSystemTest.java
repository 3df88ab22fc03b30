package dev.sluice.gateway.translate;

import static dev.sluice.gateway.translate.TestJson.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * System messages inside {@code messages}, as Claude Code 2.1 sends them: kept in place for OpenAI and
 * Ollama upstreams; from an OpenAI client to Anthropic they are hoisted into the top-level system.
 */
class MidConversationSystemTest {
    private static final String BASH = "{'name':'Bash','description':'Run a command','input_schema':{'type':'object',"
            + "'properties':{'command':{'type':'string'}},'required':['command']}}";

    /** Top-level system blocks with cache_control, tools, one string and one block mid-conversation system message. */
    private static final String CLAUDE_CODE = "{'model':'claude-sonnet-4-5','max_tokens':32000,'stream':true,"
            + "'system':[{'type':'text','text':'You are Claude Code.','cache_control':{'type':'ephemeral'}},"
            + "{'type':'text','text':'cwd: /repo'}],'tools':[" + BASH + "],'messages':["
            + "{'role':'user','content':[{'type':'text','text':'list files','cache_control':{'type':'ephemeral'}}]},"
            + "{'role':'system','content':'Plan mode is off.'},"
            + "{'role':'assistant','content':[{'type':'text','text':'Listing.'},"
            + "{'type':'tool_use','id':'toolu_1','name':'Bash','input':{'command':'ls'}}]},"
            + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'a.txt'}]},"
            + "{'role':'system','content':[{'type':'text','text':'Reminder A','cache_control':{'type':'ephemeral'}},"
            + "{'type':'text','text':'Reminder B'}]},"
            + "{'role':'user','content':'thanks'}]}";

    @Test
    void claudeCodeSystemMessagesStayInPlaceForOpenAi() throws TranslationException {
        JsonNode request = json(CLAUDE_CODE);
        JsonNode untouched = request.deepCopy();
        JsonNode openAi = json(Translate.anthropicRequestToOpenAi(request).toString());
        assertThat(roles(openAi)).containsExactly("system", "user", "system", "assistant", "tool", "system", "user");
        assertThat(openAi)
                .isEqualTo(json("{'model':'claude-sonnet-4-5','max_tokens':32000,'stream':true,"
                        + "'stream_options':{'include_usage':true},'tools':[{'type':'function','function':{'name':'Bash',"
                        + "'description':'Run a command','parameters':{'type':'object','properties':{'command':{'type':'string'}},"
                        + "'required':['command']}}}],'messages':["
                        + "{'role':'system','content':'You are Claude Code.\\n\\ncwd: /repo'},"
                        + "{'role':'user','content':'list files'},"
                        + "{'role':'system','content':'Plan mode is off.'},"
                        + "{'role':'assistant','content':'Listing.','tool_calls':[{'id':'toolu_1','type':'function',"
                        + "'function':{'name':'Bash','arguments':'{\"command\":\"ls\"}'}}]},"
                        + "{'role':'tool','tool_call_id':'toolu_1','content':'a.txt'},"
                        + "{'role':'system','content':'Reminder A\\n\\nReminder B'},"
                        + "{'role':'user','content':'thanks'}]}"));
        assertThat(request).as("input not modified").isEqualTo(untouched);
    }

    @Test
    void claudeCodeSystemMessagesStayInPlaceForOllama() throws TranslationException {
        JsonNode ollama =
                json(Translate.anthropicRequestToOllama(json(CLAUDE_CODE)).toString());
        assertThat(roles(ollama)).containsExactly("system", "user", "system", "assistant", "tool", "system", "user");
        assertThat(ollama.get("messages"))
                .isEqualTo(json("["
                        + "{'role':'system','content':'You are Claude Code.\\n\\ncwd: /repo'},"
                        + "{'role':'user','content':'list files'},"
                        + "{'role':'system','content':'Plan mode is off.'},"
                        + "{'role':'assistant','content':'Listing.','tool_calls':[{'function':{'name':'Bash',"
                        + "'arguments':{'command':'ls'}}}]},"
                        + "{'role':'tool','content':'a.txt','tool_name':'Bash'},"
                        + "{'role':'system','content':'Reminder A\\n\\nReminder B'},"
                        + "{'role':'user','content':'thanks'}]"));
    }

    @Test
    void midConversationSystemWithANonTextBlockIsRefusedNamingItsPath() {
        String request = "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                + "{'role':'system','content':[{'type':'image','source':{'type':'base64','media_type':'image/png','data':'x'}}]}]}";
        assertThatThrownBy(() -> Translate.anthropicRequestToOpenAi(json(request)))
                .isInstanceOf(TranslationException.class)
                .hasMessage("messages[1].content[0].type: unsupported block type \"image\"");
        assertThatThrownBy(() -> Translate.anthropicRequestToOllama(json(request)))
                .isInstanceOf(TranslationException.class)
                .hasMessage("messages[1].content[0].type: unsupported block type \"image\"");
    }

    @Test
    void openAiSystemMessagesAfterTheConversationStartedAreHoistedInOrderForAnthropic() throws TranslationException {
        JsonNode anthropic = json(Translate.openAiRequestToAnthropic(json("{'model':'m','max_tokens':5,'messages':["
                        + "{'role':'system','content':'First.'},{'role':'user','content':'hi'},{'role':'assistant','content':'hello'},"
                        + "{'role':'system','content':'Late.'},{'role':'user','content':'more'}]}"))
                .toString());
        assertThat(anthropic.get("system"))
                .isEqualTo(json("[{'type':'text','text':'First.'},{'type':'text','text':'Late.'}]"));
        assertThat(roles(anthropic)).containsExactly("user", "assistant", "user");
    }

    private static List<String> roles(JsonNode request) {
        List<String> roles = new ArrayList<>();
        request.path("messages").forEach(m -> roles.add(m.path("role").asText()));
        return roles;
    }
}
