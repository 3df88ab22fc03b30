package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tools an answer calls. A request that offers tools is answered with a call of the first one
 * (or the one {@code tool_choice} names); with two calls in parallel, of the first two tools, when it
 * offers at least two, names none, allows parallel calls, and its last user text contains
 * {@value #PARALLEL_WORD} (any case).
 *
 * <p>A request offering a shell tool ({@link #SHELLS}: Claude Code's {@value #BASH}, Codex's {@code shell},
 * {@code shell_command}, {@code exec_command}, {@code local_shell}) is a scripted tool loop instead
 * ({@link #shellLoop}): while the conversation holds no tool result it calls that tool with the command
 * taken from a {@code run: <command>} line of the last user text (else {@value #DEFAULT_COMMAND}), its
 * arguments shaped by the tool's schema ({@link #shellArguments}); after that it calls nothing and
 * {@link Answer} quotes the tool result ({@value Answer#TOOL_SAID}).
 */
final class Tools {
    static final String PARALLEL_WORD = "parallel";
    /** Claude Code's shell tool. */
    static final String BASH = "Bash";
    /** The tools that make a request a scripted tool loop: the shell tools of Claude Code and of Codex. */
    static final Set<String> SHELLS = Set.of(BASH, "shell", "shell_command", "exec_command", "local_shell");
    /** The command called when the last user text has no {@code run:} line. */
    static final String DEFAULT_COMMAND = "echo sluice-tool-loop > tool-loop.txt && cat tool-loop.txt";

    private static final Pattern RUN_LINE = Pattern.compile("(?m)^[ \\t]*run:[ \\t]*(\\S.*?)[ \\t\\r]*$");

    private Tools() {}

    /**
     * @param offered  the request's {@code tools} array
     * @param read     reads one element of it as a tool
     * @param named    the tool {@code tool_choice} forces, if any
     * @param off      whether {@code tool_choice} turns tools off
     * @param parallel whether parallel calls are allowed
     * @throws BadRequest when {@code named} is not offered
     */
    static List<Conversation.Tool> choose(
            JsonNode offered,
            Function<JsonNode, Conversation.Tool> read,
            Optional<String> named,
            boolean off,
            boolean parallel,
            String lastUserText) {
        if (!offered.isArray() || offered.isEmpty() || off) return List.of();
        List<Conversation.Tool> tools = new ArrayList<>();
        for (JsonNode element : offered) tools.add(read.apply(element));
        if (named.isPresent()) {
            return tools.stream()
                    .filter(t -> t.name().equals(named.get()))
                    .findFirst()
                    .map(List::of)
                    .orElseThrow(() -> new BadRequest("tool_choice: no tool named '" + named.get() + "' in tools"));
        }
        boolean two = parallel
                && tools.size() >= 2
                && lastUserText.toLowerCase(Locale.ROOT).contains(PARALLEL_WORD);
        return List.copyOf(tools.subList(0, two ? 2 : 1));
    }

    /**
     * The scripted shell loop, when {@code offered} holds a shell tool ({@link #SHELLS}), tools are not off
     * and {@code tool_choice} names none or a shell tool: no call when {@code answered} (the conversation
     * holds a tool result), else one call of the first offered shell tool (or the named one) with the command
     * of {@link #runCommand}. Empty when it does not apply.
     *
     * @param lastUserContent the last user message's {@code content} (a string or blocks)
     */
    static Optional<List<Conversation.Tool>> shellLoop(
            JsonNode offered,
            Function<JsonNode, Conversation.Tool> read,
            Optional<String> named,
            boolean off,
            boolean answered,
            JsonNode lastUserContent) {
        if (!offered.isArray() || off || named.filter(n -> !SHELLS.contains(n)).isPresent()) return Optional.empty();
        for (JsonNode element : offered) {
            Conversation.Tool tool = read.apply(element);
            if (!SHELLS.contains(tool.name())
                    || named.filter(n -> !n.equals(tool.name())).isPresent()) continue;
            if (answered) return Optional.of(List.of());
            ObjectNode input = shellArguments(tool.schema(), runCommand(lastUserContent));
            return Optional.of(List.of(new Conversation.Tool(tool.name(), tool.schema(), input)));
        }
        return Optional.empty();
    }

    /**
     * A shell tool's arguments as its schema's properties ask: {@code command} of type array (Codex's
     * {@code shell}) gives {@code {"command": ["bash", "-lc", command]}}; {@code cmd} without {@code command}
     * (Codex's {@code exec_command}) gives {@code {"cmd": command}}; anything else {@code {"command": command}}.
     */
    static ObjectNode shellArguments(JsonNode schema, String command) {
        JsonNode properties = schema.path("properties");
        ObjectNode input = Json.object();
        if ("array".equals(properties.path("command").path("type").asText())) {
            input.putArray("command").add("bash").add("-lc").add(command);
        } else if (!properties.has("command") && properties.has("cmd")) {
            input.put("cmd", command);
        } else {
            input.put("command", command);
        }
        return input;
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
                else if (block.path("text").isTextual())
                    texts.add(block.path("text").asText());
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
