package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.translate.Translate;
import dev.sluice.gateway.translate.TranslationException;

/**
 * Shape limits on a parsed generation request, each answered 400 in the caller's dialect naming the
 * limit and its key: messages, tools, content blocks (over all messages and the system prompt), JSON
 * nesting depth, and the requested output tokens. Jackson's read constraints (nesting 256, strings
 * 32 MiB, numbers 1,000 digits) and {@code server.max-body-size} stop worse input before this.
 */
public final class RequestLimits {

    private RequestLimits() {}

    /** A Responses request as the Chat Completions request it becomes, whose items then count as messages. */
    public static JsonNode responsesView(JsonNode json) throws GatewayException {
        try {
            // tool types are checked per target: a provider with native Responses takes them all
            return Translate.responsesRequestToChat(Translate.responsesWithFunctionToolsOnly(json));
        } catch (TranslationException e) {
            throw new GatewayException(400, e.getMessage());
        }
    }

    /** Checks {@code json}, a request as messages (see {@link #responsesView}). */
    public static void check(JsonNode json, SluiceConfig.Request limits) throws GatewayException {
        JsonNode messages = json.path("messages");
        if (messages.size() > limits.maxMessages()) {
            throw tooMany("messages", messages.size(), limits.maxMessages(), "request.max-messages");
        }
        JsonNode tools = json.path("tools");
        if (tools.size() > limits.maxTools()) {
            throw tooMany("tools", tools.size(), limits.maxTools(), "request.max-tools");
        }
        int blocks = json.path("system").isArray() ? json.path("system").size() : 0;
        for (JsonNode m : messages) {
            blocks += m.path("content").isArray() ? m.path("content").size() : 1;
        }
        if (blocks > limits.maxContentBlocks()) {
            throw tooMany("content blocks", blocks, limits.maxContentBlocks(), "request.max-content-blocks");
        }
        int depth = depth(json, 0, limits.maxJsonDepth());
        if (depth > limits.maxJsonDepth()) {
            throw new GatewayException(
                    400,
                    "invalid_request_error",
                    "request JSON is nested deeper than " + limits.maxJsonDepth() + " levels (request.max-json-depth)",
                    null);
        }
        long asked = Math.max(
                json.path("max_tokens").asLong(0),
                json.path("max_completion_tokens").asLong(0));
        if (limits.maxOutputTokens() > 0 && asked > limits.maxOutputTokens()) {
            throw new GatewayException(
                    400,
                    "invalid_request_error",
                    "max_tokens " + asked + " is above this gateway's" + " ceiling of " + limits.maxOutputTokens()
                            + " (request.max-output-tokens)",
                    null);
        }
    }

    /** The nesting depth, counted only up to {@code stop + 1} (enough to know it is too deep). */
    private static int depth(JsonNode n, int level, int stop) {
        if (level > stop || !n.isContainerNode()) {
            return level;
        }
        int max = level + 1;
        for (JsonNode child : n) {
            max = Math.max(max, depth(child, level + 1, stop));
            if (max > stop) {
                break;
            }
        }
        return max;
    }

    private static GatewayException tooMany(String what, int n, int max, String key) {
        return new GatewayException(
                400,
                "invalid_request_error",
                n + " " + what + " is more than the limit of " + max + " (" + key + ")",
                null);
    }
}
