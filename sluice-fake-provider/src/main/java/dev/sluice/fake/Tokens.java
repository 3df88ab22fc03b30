package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fake's token reckoning, the same in every dialect: characters of the prompt's text / 4, at least 1.
 * Text is a string {@code system}, and every {@code text} or {@code content} string under {@code system}
 * and {@code messages}; roles, tool definitions, tool call arguments and images do not count.
 *
 * <p>Prompt caching: every system block, content block or message carrying a {@code cache_control}
 * object marks a cache breakpoint at the end of the text so far. The prefix up to the second-to-last
 * mark is read from the cache, from there up to the last mark is written to it: one mark gives only
 * a cache write; marking the system prompt and the last user turn gives a read of the system prompt.
 */
final class Tokens {
    static final int CHARS_PER_TOKEN = 4;

    /**
     * A prompt's token counts.
     *
     * @param total         every input token, cached or not
     * @param cacheRead     tokens of the prefix read from the cache
     * @param cacheCreation tokens of the prefix written to the cache
     * @param marked        whether the request has any {@code cache_control} mark
     */
    record Prompt(int total, int cacheRead, int cacheCreation, boolean marked) {
        /** Input tokens neither read from nor written to the cache: Anthropic's {@code input_tokens}. */
        int uncached() {
            return total - cacheRead - cacheCreation;
        }
    }

    private Tokens() {}

    /** Tokens of {@code chars} characters of text: / 4, at least 1. */
    static int ofChars(long chars) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chars / CHARS_PER_TOKEN));
    }

    static Prompt count(JsonNode root) {
        Walk walk = new Walk();
        JsonNode system = root.path("system");
        if (system.isArray()) {
            for (JsonNode block : system) walk.add(countChars(block, true), block);
        } else {
            walk.add(countChars(system, true), system);
        }
        for (JsonNode message : root.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isArray()) {
                for (JsonNode block : content) walk.add(countChars(block, true), block);
            } else {
                walk.add(countChars(content, true), content);
            }
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                if (!field.getKey().equals("content"))
                    walk.add(countChars(field.getValue(), isText(field.getKey())), null);
            }
            walk.add(0, message);
        }
        int total = ofChars(walk.chars);
        List<Integer> marks = walk.marks;
        if (marks.isEmpty()) return new Prompt(total, 0, 0, false);
        int last = marks.get(marks.size() - 1) / CHARS_PER_TOKEN;
        int read = marks.size() >= 2 ? marks.get(marks.size() - 2) / CHARS_PER_TOKEN : 0;
        return new Prompt(total, read, last - read, true);
    }

    /** The text so far, and where the cache marks fall in it. */
    private static final class Walk {
        int chars;
        final List<Integer> marks = new ArrayList<>();

        void add(int moreChars, JsonNode node) {
            chars += moreChars;
            if (node != null && node.path("cache_control").isObject()) marks.add(chars);
        }
    }

    private static boolean isText(String key) {
        return key.equals("text") || key.equals("content");
    }

    private static int countChars(JsonNode node, boolean textCounts) {
        if (node.isTextual()) return textCounts ? node.asText().length() : 0;
        int sum = 0;
        if (node.isArray()) {
            for (JsonNode child : node) sum += countChars(child, textCounts);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                sum += countChars(field.getValue(), isText(field.getKey()));
            }
        }
        return sum;
    }
}
