package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** Anthropic Messages: {@code POST /v1/messages}, JSON or SSE with {@code event:} lines ({@link AnthropicStream}). */
final class AnthropicDialect implements Dialect {
    /** The smallest {@code thinking.budget_tokens} the API accepts. */
    static final int MIN_THINKING_BUDGET = 1024;

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model: Field required");
        if (root.path("max_tokens").isMissingNode() || root.path("max_tokens").isNull()) {
            throw new BadRequest("max_tokens: Field required");
        }
        int maxTokens = Dialect.maxTokens(root, "max_tokens");
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) throw new BadRequest("messages: Field required");
        if (messages.isEmpty()) throw new BadRequest("messages: at least one message is required");
        JsonNode lastUser = Json.MAPPER.missingNode();
        for (JsonNode message : messages) {
            if (!message.path("role").isTextual()) throw new BadRequest("messages: each message needs a role");
            if ("user".equals(message.path("role").asText())) lastUser = message;
        }
        boolean thinking = thinking(root.path("thinking"), maxTokens);
        String lastUserText = Conversation.text(lastUser.path("content"));
        Optional<String> toolResult = toolResult(lastUser.path("content"));
        JsonNode choice = root.path("tool_choice");
        String choiceType = choice.path("type").asText();
        java.util.function.Function<JsonNode, Conversation.Tool> read =
                tool -> new Conversation.Tool(tool.path("name").asText(), tool.path("input_schema"));
        Optional<String> named =
                "tool".equals(choiceType) ? Optional.of(choice.path("name").asText()) : Optional.empty();
        Optional<List<Conversation.Tool>> loop = Tools.shellLoop(
                root.path("tools"),
                read,
                named,
                "none".equals(choiceType),
                anyToolResult(messages),
                lastUser.path("content"));
        List<Conversation.Tool> tools = loop.orElseGet(() -> toolResult.isPresent()
                ? List.of()
                : Tools.choose(
                        root.path("tools"),
                        read,
                        named,
                        "none".equals(choiceType),
                        !choice.path("disable_parallel_tool_use").asBoolean(false),
                        lastUserText));
        return new Conversation(
                model,
                root.path("stream").asBoolean(false),
                maxTokens,
                lastUserText,
                toolResult,
                tools,
                Tokens.count(root),
                false,
                thinking,
                digest,
                loop.isPresent());
    }

    /** {@code thinking: {type: enabled, budget_tokens: 1024..max_tokens-1}} or {@code {type: adaptive}} asks for it. */
    private static boolean thinking(JsonNode thinking, int maxTokens) {
        if (thinking.isMissingNode() || thinking.isNull()) return false;
        String type = thinking.path("type").asText("");
        switch (type) {
            case "disabled" -> {
                return false;
            }
            case "adaptive" -> {
                return true;
            }
            case "enabled" -> {
                JsonNode budget = thinking.path("budget_tokens");
                if (!budget.isIntegralNumber() || !budget.canConvertToInt()) {
                    throw new BadRequest("thinking.enabled.budget_tokens: Field required");
                }
                if (budget.asInt() < MIN_THINKING_BUDGET) {
                    throw new BadRequest("thinking.enabled.budget_tokens: Input should be greater than or equal to "
                            + MIN_THINKING_BUDGET + ", was " + budget.asInt());
                }
                if (budget.asInt() >= maxTokens) {
                    throw new BadRequest("max_tokens must be greater than thinking.budget_tokens (" + maxTokens + " <= "
                            + budget.asInt() + ")");
                }
                return true;
            }
            default ->
                throw new BadRequest("thinking.type: expected 'enabled', 'disabled' or 'adaptive', was '" + type + "'");
        }
    }

    /** Whether any message holds a {@code tool_result} block. */
    private static boolean anyToolResult(JsonNode messages) {
        for (JsonNode message : messages) {
            for (JsonNode block : message.path("content")) {
                if ("tool_result".equals(block.path("type").asText())) return true;
            }
        }
        return false;
    }

    private static Optional<String> toolResult(JsonNode content) {
        if (!content.isArray()) return Optional.empty();
        StringBuilder text = new StringBuilder();
        boolean found = false;
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                if (found) text.append("; ");
                found = true;
                text.append(Conversation.text(block.path("content")));
            }
        }
        return found ? Optional.of(text.toString()) : Optional.empty();
    }

    /** A last {@code assistant} message of text is continued (Anthropic's prefill). */
    @Override
    public Optional<String> prefill(JsonNode root) {
        return Dialect.trailingAssistantText(root);
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode message = message(c, answer.stop());
        ArrayNode content = (ArrayNode) message.get("content");
        if (!answer.thinking().isEmpty()) {
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", answer.joinedThinking())
                    .put("signature", Answer.signature(c));
        }
        for (int i = 0; i < answer.toolCalls().size(); i++)
            content.add(toolUse(c, answer.toolCalls().get(i), i, true));
        if (hasTextBlock(answer)) content.addObject().put("type", "text").put("text", answer.joinedText());
        message.set("usage", usage(c.prompt()).put("output_tokens", answer.outputTokens()));
        return Json.write(message);
    }

    /** A text block is sent unless the answer is tool calls, or reasoning cut short by max_tokens. */
    static boolean hasTextBlock(Answer answer) {
        return answer.toolCalls().isEmpty()
                && (!answer.text().isEmpty() || answer.thinking().isEmpty());
    }

    /** Input usage: {@code input_tokens} excludes the cached prefix, reported apart when the request marks one. */
    static ObjectNode usage(Tokens.Prompt prompt) {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", prompt.uncached());
        if (prompt.marked()) {
            usage.put("cache_creation_input_tokens", prompt.cacheCreation());
            usage.put("cache_read_input_tokens", prompt.cacheRead());
        }
        return usage;
    }

    static ObjectNode message(Conversation c, Answer.Stop stop) {
        ObjectNode message = Json.object();
        message.put("id", "msg_fake_" + c.idSuffix(1));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", c.model());
        message.putArray("content");
        if (stop == null) message.putNull("stop_reason");
        else message.put("stop_reason", stopReason(stop));
        message.putNull("stop_sequence");
        return message;
    }

    static ObjectNode toolUse(Conversation c, Answer.ToolCall call, int index, boolean complete) {
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", "toolu_fake_" + c.toolCallSuffix(index));
        block.put("name", call.name());
        block.set("input", complete ? call.input() : Json.object());
        return block;
    }

    static String stopReason(Answer.Stop stop) {
        return switch (stop) {
            case END -> "end_turn";
            case MAX_TOKENS -> "max_tokens";
            case TOOL_USE -> "tool_use";
            case REFUSAL -> "refusal";
        };
    }

    @Override
    public String malformedBody() {
        return "{\"type\": \"message\", \"content\": [{tru";
    }

    @Override
    public List<Frame> frames(Conversation c, Answer answer) {
        return AnthropicStream.frames(c, answer);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String malformedFrame() {
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": {tru\n\n";
    }

    /** {@code event: error} with the error body, and no {@code message_stop}. */
    @Override
    public String streamError(Conversation c, ErrorKind kind, String message, int framesSent) {
        return "event: error\ndata: " + error(kind, message) + "\n\n";
    }

    @Override
    public String error(ErrorKind kind, String message) {
        ObjectNode root = Json.object();
        root.put("type", "error");
        root.putObject("error").put("type", kind.anthropicType).put("message", message);
        return Json.write(root);
    }

    @Override
    public int status(ErrorKind kind) {
        return kind.status;
    }

    /** {@code POST /v1/messages/count_tokens}. */
    static String countTokens(JsonNode root) {
        Dialect.requireModel(root, "model: Field required");
        if (!root.path("messages").isArray()) throw new BadRequest("messages: Field required");
        return Json.write(Json.object().put("input_tokens", Conversation.countTokens(root)));
    }

    static String models() {
        ObjectNode root = Json.object();
        ArrayNode data = root.putArray("data");
        data.addObject()
                .put("type", "model")
                .put("id", "fake-model")
                .put("display_name", "Fake Model")
                .put("created_at", "2025-01-01T00:00:00Z");
        root.put("has_more", false).put("first_id", "fake-model").put("last_id", "fake-model");
        return Json.write(root);
    }
}
