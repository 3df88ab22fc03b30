package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which tools an answer calls. A request that offers tools is answered with a call of the first one
 * (or the one {@code tool_choice} names); with two calls in parallel, of the first two tools, when it
 * offers at least two, names none, allows parallel calls, and its last user text contains
 * {@value #PARALLEL_WORD} (any case).
 */
final class Tools {
    static final String PARALLEL_WORD = "parallel";

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
}
