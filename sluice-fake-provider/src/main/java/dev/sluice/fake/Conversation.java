package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * What a generation request asks for, whatever its dialect.
 *
 * @param lastUserText the text of the last user message: the seed of the answer
 * @param toolResult   the tool result text when the last user turn carries one
 * @param tool         the tool to call, when the answer should be a tool call
 * @param maxTokens    most output tokens allowed; {@link Integer#MAX_VALUE} when unbounded
 * @param digest       a hash of the whole request body, for deterministic ids
 */
record Conversation(String model, boolean stream, int maxTokens, String lastUserText,
                    Optional<String> toolResult, Optional<Tool> tool, int inputTokens, boolean includeUsage,
                    long digest) {

    /** A tool the request offers: its name and JSON schema of its input. */
    record Tool(String name, JsonNode schema) { }

    /** Concatenated text of a content value: a string, or an array of blocks with {@code text} or nested content. */
    static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) return "";
        if (content.isTextual()) return content.asText();
        StringBuilder out = new StringBuilder();
        if (content.isArray()) {
            for (JsonNode block : content) {
                if (block.isTextual()) out.append(block.asText());
                else if (block.path("text").isTextual()) out.append(block.path("text").asText());
            }
        }
        return out.toString();
    }

    /** Rough token count of a request, as the fake reckons it: characters of all text / 4, at least 1. */
    static int countTokens(JsonNode root) {
        int chars = countChars(root.path("system"), true) + countChars(root.path("messages"), false);
        return Math.max(1, chars / 4);
    }

    private static int countChars(JsonNode node, boolean textCounts) {
        if (node.isTextual()) return textCounts ? node.asText().length() : 0;
        int sum = 0;
        if (node.isArray()) {
            for (JsonNode child : node) sum += countChars(child, textCounts);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                boolean isText = field.getKey().equals("text") || field.getKey().equals("content");
                sum += countChars(field.getValue(), isText);
            }
        }
        return sum;
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
}
