package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The answer to a conversation, before any dialect shapes it: reasoning deltas (when asked for), then
 * text deltas (words) or tool calls (each with its input JSON in pieces), and why it stopped. Every
 * delta and piece is one output token. Same conversation, same answer.
 */
record Answer(List<String> thinking, List<String> text, List<ToolCall> toolCalls, Stop stop) {

    enum Stop {
        END,
        MAX_TOKENS,
        TOOL_USE,
        REFUSAL
    }

    /** A call of {@code name} with {@code input}; {@link #pieces} are the pieces of {@code inputJson}. */
    record ToolCall(String name, ObjectNode input, String inputJson, List<String> pieces) {
        ToolCall {
            pieces = List.copyOf(pieces);
        }
    }

    static final String REFUSAL_TEXT = "I can't help with that request.";
    /** The reasoning every thinking answer starts with: one token per word. */
    static final String THINKING_TEXT = "Let me think about this step by step before I answer.";

    static final int MAX_TOOL_PIECES = 4;
    /** How the answer to a scripted shell loop's tool result starts ({@link Tools#shellLoop}); the result follows. */
    static final String TOOL_SAID = "tool said: ";
    /** The size of the big-events fault's one text delta: 16 KiB of words. */
    static final int BIG_EVENT_CHARS = 16 * 1024;

    private static final String BIG_WORD =
            " sluice".repeat(BIG_EVENT_CHARS / 7 + 1).substring(0, BIG_EVENT_CHARS);
    private static final String[] WORDS = {
        "sluice", "river", "gate", "stream", "token", "flow", "water", "channel", "lock", "weir",
        "current", "basin", "quiet", "steady", "bright", "swift", "clear", "deep", "open", "calm",
        "the", "a", "of", "and", "to", "in", "through", "over", "under", "beside",
        "moves", "holds", "opens", "carries", "measures", "turns", "rises", "settles", "waits", "runs",
        "stone", "light", "morning", "valley", "bridge", "mill", "harbor", "tide", "field", "road",
    };

    Answer {
        thinking = List.copyOf(thinking);
        text = List.copyOf(text);
        toolCalls = List.copyOf(toolCalls);
    }

    int thinkingTokens() {
        return thinking.size();
    }

    /** Reasoning, text and tool call pieces: what every dialect reports as output tokens. */
    int outputTokens() {
        return thinking.size()
                + text.size()
                + toolCalls.stream().mapToInt(call -> call.pieces().size()).sum();
    }

    /** The text deltas joined. */
    String joinedText() {
        return String.join("", text);
    }

    String joinedThinking() {
        return String.join("", thinking);
    }

    /**
     * This answer continuing a prefilled assistant text: when {@code prefill} begins the joined text
     * ({@link #joinedText}) of an answer without tool calls, the answer of only the rest of it, its deltas
     * this answer's after the prefill's end (the first cut where the prefill ends mid-delta), the reasoning
     * and stop unchanged; otherwise (or for an empty prefill) this answer. So prefill + the rest's joined
     * text is this answer's joined text.
     */
    Answer continuing(String prefill) {
        if (prefill.isEmpty() || !toolCalls.isEmpty() || !joinedText().startsWith(prefill)) return this;
        List<String> rest = new ArrayList<>(text.size());
        int skip = prefill.length();
        for (String delta : text) {
            if (skip >= delta.length()) {
                skip -= delta.length();
            } else {
                rest.add(delta.substring(skip));
                skip = 0;
            }
        }
        return new Answer(thinking, rest, toolCalls, stop);
    }

    /** The deterministic signature of the thinking block (Anthropic). */
    static String signature(Conversation c) {
        return Base64.getEncoder()
                .encodeToString(("sluice-fake-signature:" + c.idSuffix(3)).getBytes(StandardCharsets.UTF_8));
    }

    static Answer of(Conversation conversation, int deltas, boolean refusal) {
        if (refusal) return new Answer(List.of(), words(REFUSAL_TEXT), List.of(), Stop.REFUSAL);
        List<String> thinking = conversation.thinking() ? words(THINKING_TEXT) : List.of();
        if (thinking.size() >= conversation.maxTokens()) {
            return new Answer(thinking.subList(0, conversation.maxTokens()), List.of(), List.of(), Stop.MAX_TOKENS);
        }
        if (!conversation.tools().isEmpty()) {
            List<ToolCall> calls = conversation.tools().stream()
                    .map(tool -> toolCall(tool, deltas))
                    .toList();
            return new Answer(thinking, List.of(), calls, Stop.TOOL_USE);
        }
        if (conversation.toolLoop() && conversation.toolResult().isPresent()) {
            List<String> said = words(TOOL_SAID + conversation.toolResult().get());
            int room = conversation.maxTokens() - thinking.size();
            if (said.size() > room) return new Answer(thinking, said.subList(0, room), List.of(), Stop.MAX_TOKENS);
            return new Answer(thinking, said, List.of(), Stop.END);
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
        int room = conversation.maxTokens() - thinking.size();
        if (words.size() > room) return new Answer(thinking, words.subList(0, room), List.of(), Stop.MAX_TOKENS);
        return new Answer(thinking, words, List.of(), Stop.END);
    }

    /**
     * The big-events fault's answer: one text delta of {@link #BIG_EVENT_CHARS} characters, which
     * {@link Player} streams again and again (one String, whatever the count); usage counts it once.
     */
    static Answer bigEvent() {
        return new Answer(List.of(), List.of(BIG_WORD), List.of(), Stop.END);
    }

    /** {@code "a b c"} as {@code ["a", " b", " c"]}. */
    private static List<String> words(String text) {
        String[] parts = text.split(" ");
        List<String> words = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) words.add(i == 0 ? parts[i] : " " + parts[i]);
        return words;
    }

    private static ToolCall toolCall(Conversation.Tool tool, int deltas) {
        ObjectNode input = tool.input() != null ? tool.input().deepCopy() : Json.MAPPER.createObjectNode();
        JsonNode properties =
                tool.input() != null ? Json.MAPPER.missingNode() : tool.schema().path("properties");
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
        return new ToolCall(tool.name(), input, json, parts);
    }

    static long next(long state) {
        return state + 0x9E3779B97F4A7C15L;
    }

    /** SplitMix64's finaliser (also the source of {@link Embeddings}' vectors). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
