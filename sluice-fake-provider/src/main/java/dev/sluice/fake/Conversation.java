package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * What a generation request asks for, whatever its dialect.
 *
 * @param lastUserText the text of the last user message: the seed of the answer
 * @param toolResult   the tool results' text when the last turn carries any
 * @param tools        the tools to call (none, one, or two for a parallel call)
 * @param maxTokens    most output tokens allowed; {@link Integer#MAX_VALUE} when unbounded
 * @param prompt       the request's input tokens, as {@link Tokens} reckons them
 * @param thinking     whether the request asks for reasoning output before the answer
 * @param digest       a hash of the whole request body, for deterministic ids
 * @param toolLoop     whether the request is a scripted shell tool loop ({@link Tools#shellLoop})
 */
record Conversation(
        String model,
        boolean stream,
        int maxTokens,
        String lastUserText,
        Optional<String> toolResult,
        List<Tool> tools,
        Tokens.Prompt prompt,
        boolean includeUsage,
        boolean thinking,
        long digest,
        boolean toolLoop) {

    /**
     * A tool the request offers: its name and JSON schema of its input, and the input to call it with when
     * scripted (null: filled in from the schema).
     */
    record Tool(String name, JsonNode schema, ObjectNode input) {
        Tool(String name, JsonNode schema) {
            this(name, schema, null);
        }
    }

    Conversation {
        tools = List.copyOf(tools);
    }

    /** This conversation with {@code prompt} as its input: a prefilled one, read without the prefill but counting it. */
    Conversation withPrompt(Tokens.Prompt prompt) {
        return new Conversation(
                model,
                stream,
                maxTokens,
                lastUserText,
                toolResult,
                tools,
                prompt,
                includeUsage,
                thinking,
                digest,
                toolLoop);
    }

    int inputTokens() {
        return prompt.total();
    }

    /** Concatenated text of a content value: a string, or an array of blocks with {@code text} or nested content. */
    static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode block : content) {
                if (block.isTextual()) out.append(block.asText());
                else if (block.path("text").isTextual())
                    out.append(block.path("text").asText());
            }
        }
        return out.toString();
    }

    /** Rough token count of a request, as the fake reckons it: characters of all text / 4, at least 1. */
    static int countTokens(JsonNode root) {
        return Tokens.count(root).total();
    }

    /**
     * The text of the {@code role: "tool"} messages that end an OpenAI or Ollama conversation, joined with
     * {@code "; "}, or empty when the last message is not a tool result.
     */
    static Optional<String> trailingToolMessages(JsonNode messages) {
        int first = messages.size();
        while (first > 0 && "tool".equals(messages.get(first - 1).path("role").asText())) first--;
        if (first == messages.size()) return Optional.empty();
        StringBuilder text = new StringBuilder();
        for (int i = first; i < messages.size(); i++) {
            if (i > first) text.append("; ");
            text.append(text(messages.get(i).path("content")));
        }
        return Optional.of(text.toString());
    }

    /** FNV-1a over the body: stable across runs and JVMs. */
    static long digest(byte[] body) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : body) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The id suffix for this request, e.g. {@code 3f2a9c0d11b2e4f5}. */
    String idSuffix(int salt) {
        return String.format("%016x", digest * 31 + salt);
    }

    /** The id suffix of the {@code index}th tool call: {@code idSuffix(2)} for the first, as before parallel calls. */
    String toolCallSuffix(int index) {
        return idSuffix(2 + 16 * index);
    }
}
