package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to a conversation, before any dialect shapes it: a list of deltas (words of text, or
 * pieces of a tool call's input JSON) and why it stopped. Same conversation, same answer.
 */
record Answer(List<String> deltas, Optional<ToolCall> toolCall, Stop stop) {

    enum Stop { END, MAX_TOKENS, TOOL_USE, REFUSAL }

    /** A call of {@code name} with {@code input}; {@link #deltas} are the pieces of {@code inputJson}. */
    record ToolCall(String name, ObjectNode input, String inputJson) { }

    static final String REFUSAL_TEXT = "I can't help with that request.";
    static final int MAX_TOOL_PIECES = 4;
    private static final String[] WORDS = {
        "sluice", "river", "gate", "stream", "token", "flow", "water", "channel", "lock", "weir",
        "current", "basin", "quiet", "steady", "bright", "swift", "clear", "deep", "open", "calm",
        "the", "a", "of", "and", "to", "in", "through", "over", "under", "beside",
        "moves", "holds", "opens", "carries", "measures", "turns", "rises", "settles", "waits", "runs",
        "stone", "light", "morning", "valley", "bridge", "mill", "harbor", "tide", "field", "road",
    };

    Answer {
        deltas = List.copyOf(deltas);
    }

    int outputTokens() {
        return deltas.size();
    }

    /** All deltas joined: the text of a text answer, the input JSON of a tool call. */
    String text() {
        return String.join("", deltas);
    }

    static Answer of(Conversation conversation, int deltas, boolean refusal) {
        if (refusal) {
            List<String> words = new ArrayList<>();
            String[] parts = REFUSAL_TEXT.split(" ");
            for (int i = 0; i < parts.length; i++) words.add(i == 0 ? parts[i] : " " + parts[i]);
            return new Answer(words, Optional.empty(), Stop.REFUSAL);
        }
        if (conversation.tool().isPresent()) {
            return toolCall(conversation.tool().get(), deltas);
        }
        List<String> words = new ArrayList<>(deltas);
        int fromWords = deltas;
        if (conversation.toolResult().isPresent()) {
            words.add("Tool result: " + conversation.toolResult().get() + ".");
            fromWords--;
        }
        long state = conversation.lastUserText().hashCode() * 0x9E3779B97F4A7C15L + deltas;
        for (int i = 0; i < fromWords; i++) {
            state = next(state);
            String word = WORDS[(int) Long.remainderUnsigned(mix(state), WORDS.length)];
            if (words.isEmpty()) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            else word = " " + word;
            words.add(i == fromWords - 1 ? word + "." : word);
        }
        if (words.size() > conversation.maxTokens()) {
            return new Answer(words.subList(0, conversation.maxTokens()), Optional.empty(), Stop.MAX_TOKENS);
        }
        return new Answer(words, Optional.empty(), Stop.END);
    }

    private static Answer toolCall(Conversation.Tool tool, int deltas) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        JsonNode properties = tool.schema().path("properties");
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            switch (property.getValue().path("type").asText("")) {
                case "string" -> input.put(property.getKey(), "sluice");
                case "integer", "number" -> input.put(property.getKey(), 42);
                case "boolean" -> input.put(property.getKey(), true);
                default -> input.putNull(property.getKey());
            }
        }
        String json = Json.write(input);
        int pieces = Math.max(1, Math.min(Math.min(deltas, MAX_TOOL_PIECES), json.length()));
        List<String> parts = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            parts.add(json.substring(json.length() * i / pieces, json.length() * (i + 1) / pieces));
        }
        return new Answer(parts, Optional.of(new ToolCall(tool.name(), input, json)), Stop.TOOL_USE);
    }

    private static long next(long state) {
        return state + 0x9E3779B97F4A7C15L;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
