package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tools an answer calls. A request that offers tools is answered with a call of the first one
 * (or the one {@code tool_choice} names); with two calls in parallel, of the first two tools, when it
 * offers at least two, names none, allows parallel calls, and its last user text contains
 * {@value #PARALLEL_WORD} (any case).
 *
 * <p>A request offering a tool named {@value #BASH} is a scripted tool loop instead ({@link #bashLoop}):
 * while the conversation holds no tool result it calls {@code Bash} with {@code {"command": ...}}, the
 * command taken from a {@code run: <command>} line of the last user text (else {@value #DEFAULT_COMMAND});
 * after that it calls nothing and {@link Answer} quotes the tool result ({@value Answer#TOOL_SAID}).
 */
final class Tools {
    static final String PARALLEL_WORD = "parallel";
    /** The tool that makes a request a scripted tool loop (Claude Code's shell tool). */
    static final String BASH = "Bash";
    /** The command called when the last user text has no {@code run:} line. */
    static final String DEFAULT_COMMAND = "echo sluice-tool-loop > tool-loop.txt && cat tool-loop.txt";
    private static final Pattern RUN_LINE = Pattern.compile("(?m)^[ \\t]*run:[ \\t]*(\\S.*?)[ \\t\\r]*$");

    private Tools() { }

    /**
     * @param offered  the request's {@code tools} array
     * @param read     reads one element of it as a tool
     * @param named    the tool {@code tool_choice} forces, if any
     * @param off      whether {@code tool_choice} turns tools off
     * @param parallel whether parallel calls are allowed
     * @throws BadRequest when {@code named} is not offered
     */
    static List<Conversation.Tool> choose(JsonNode offered, Function<JsonNode, Conversation.Tool> read,
                                          Optional<String> named, boolean off, boolean parallel, String lastUserText) {
        if (!offered.isArray() || offered.isEmpty() || off) return List.of();
        List<Conversation.Tool> tools = new ArrayList<>();
        for (JsonNode element : offered) tools.add(read.apply(element));
        if (named.isPresent()) {
            return tools.stream().filter(t -> t.name().equals(named.get())).findFirst().map(List::of)
                    .orElseThrow(() -> new BadRequest("tool_choice: no tool named '" + named.get() + "' in tools"));
        }
        boolean two = parallel && tools.size() >= 2
                && lastUserText.toLowerCase(Locale.ROOT).contains(PARALLEL_WORD);
        return List.copyOf(tools.subList(0, two ? 2 : 1));
    }

    /**
     * The scripted Bash loop, when {@code offered} holds a tool named {@value #BASH}, tools are not off and
     * {@code tool_choice} names none or Bash: no call when {@code answered} (the conversation holds a tool
     * result), else one call of Bash with the command of {@link #runCommand}. Empty when it does not apply.
     *
     * @param lastUserContent the last user message's {@code content} (a string or blocks)
     */
    static Optional<List<Conversation.Tool>> bashLoop(JsonNode offered, Function<JsonNode, Conversation.Tool> read,
                                                      Optional<String> named, boolean off, boolean answered,
                                                      JsonNode lastUserContent) {
        if (!offered.isArray() || off || named.filter(n -> !n.equals(BASH)).isPresent()) return Optional.empty();
        for (JsonNode element : offered) {
            Conversation.Tool tool = read.apply(element);
            if (!tool.name().equals(BASH)) continue;
            if (answered) return Optional.of(List.of());
            var input = Json.object().put("command", runCommand(lastUserContent));
            return Optional.of(List.of(new Conversation.Tool(tool.name(), tool.schema(), input)));
        }
        return Optional.empty();
    }

    /**
     * The command of the last {@code run: <command>} line in any text of {@code content} (a string or text
     * blocks, each searched on its own), else {@value #DEFAULT_COMMAND}.
     */
    static String runCommand(JsonNode content) {
        List<String> texts = new ArrayList<>();
        if (content.isTextual()) texts.add(content.asText());
        else if (content.isArray()) {
            for (JsonNode block : content) {
                if (block.isTextual()) texts.add(block.asText());
                else if (block.path("text").isTextual()) texts.add(block.path("text").asText());
            }
        }
        String command = DEFAULT_COMMAND;
        for (String text : texts) {
            Matcher m = RUN_LINE.matcher(text);
            while (m.find()) command = m.group(1);
        }
        return command;
    }
}
