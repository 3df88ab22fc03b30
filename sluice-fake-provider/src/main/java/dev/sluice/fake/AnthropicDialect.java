package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Anthropic Messages: {@code POST /v1/messages}, JSON or SSE with {@code event:} lines. */
final class AnthropicDialect implements Dialect {

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
        Optional<String> toolResult = toolResult(lastUser.path("content"));
        Optional<Conversation.Tool> tool = toolResult.isPresent() ? Optional.empty() : tool(root);
        return new Conversation(model, root.path("stream").asBoolean(false), maxTokens,
                Conversation.text(lastUser.path("content")), toolResult, tool,
                Conversation.countTokens(root), false, digest);
    }

    private static Optional<String> toolResult(JsonNode content) {
        if (!content.isArray()) return Optional.empty();
        StringBuilder text = new StringBuilder();
        boolean found = false;
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                found = true;
                text.append(Conversation.text(block.path("content")));
            }
        }
        return found ? Optional.of(text.toString()) : Optional.empty();
    }

    private static Optional<Conversation.Tool> tool(JsonNode root) {
        JsonNode tools = root.path("tools");
        JsonNode choice = root.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.path("type").asText())) {
            return Optional.empty();
        }
        String named = "tool".equals(choice.path("type").asText()) ? choice.path("name").asText() : null;
        for (JsonNode tool : tools) {
            if (named == null || named.equals(tool.path("name").asText())) {
                return Optional.of(new Conversation.Tool(tool.path("name").asText(), tool.path("input_schema")));
            }
        }
        throw new BadRequest("tool_choice: no tool named '" + named + "' in tools");
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode message = message(c, answer.stop());
        ((ArrayNode) message.get("content")).add(block(c, answer, true));
        ObjectNode usage = message.putObject("usage");
        usage.put("input_tokens", c.inputTokens());
        usage.put("output_tokens", answer.outputTokens());
        return Json.write(message);
    }

    private static ObjectNode message(Conversation c, Answer.Stop stop) {
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

    private static ObjectNode block(Conversation c, Answer answer, boolean complete) {
        ObjectNode block = Json.object();
        if (answer.toolCall().isPresent()) {
            block.put("type", "tool_use");
            block.put("id", "toolu_fake_" + c.idSuffix(2));
            block.put("name", answer.toolCall().get().name());
            block.set("input", complete ? answer.toolCall().get().input() : Json.object());
        } else {
            block.put("type", "text");
            block.put("text", complete ? answer.text() : "");
        }
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
        List<Frame> frames = new ArrayList<>(answer.deltas().size() + 6);
        ObjectNode start = Json.object();
        start.put("type", "message_start");
        ObjectNode message = message(c, null);
        start.set("message", message);
        ObjectNode startUsage = message.putObject("usage");
        startUsage.put("input_tokens", c.inputTokens());
        startUsage.put("output_tokens", 0);
        frames.add(event("message_start", start, false));
        ObjectNode blockStart = Json.object();
        blockStart.put("type", "content_block_start");
        blockStart.put("index", 0);
        blockStart.set("content_block", block(c, answer, false));
        frames.add(event("content_block_start", blockStart, false));
        frames.add(event("ping", Json.object().put("type", "ping"), false));
        boolean tool = answer.toolCall().isPresent();
        for (String delta : answer.deltas()) {
            ObjectNode event = Json.object();
            event.put("type", "content_block_delta");
            event.put("index", 0);
            ObjectNode d = event.putObject("delta");
            if (tool) d.put("type", "input_json_delta").put("partial_json", delta);
            else d.put("type", "text_delta").put("text", delta);
            frames.add(event("content_block_delta", event, true));
        }
        frames.add(event("content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0), false));
        ObjectNode messageDelta = Json.object();
        messageDelta.put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason(answer.stop())).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", answer.outputTokens());
        frames.add(event("message_delta", messageDelta, false));
        frames.add(event("message_stop", Json.object().put("type", "message_stop"), false));
        return frames;
    }

    private static Frame event(String name, ObjectNode data, boolean delta) {
        return new Frame("event: " + name + "\ndata: " + Json.write(data) + "\n\n", delta);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String malformedFrame() {
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": {tru\n\n";
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
        data.addObject().put("type", "model").put("id", "fake-model").put("display_name", "Fake Model")
                .put("created_at", "2025-01-01T00:00:00Z");
        root.put("has_more", false).put("first_id", "fake-model").put("last_id", "fake-model");
        return Json.write(root);
    }
}
