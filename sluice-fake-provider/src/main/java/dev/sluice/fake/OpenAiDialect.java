package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** OpenAI Chat Completions: {@code POST /v1/chat/completions}, JSON or SSE {@code data:} chunks ending in [DONE]. */
final class OpenAiDialect implements Dialect {
    static final long CREATED = 1735689600L;

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model: you must provide a model parameter");
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) throw new BadRequest("messages: Missing required parameter: 'messages'");
        if (messages.isEmpty()) throw new BadRequest("messages: must contain at least one message");
        int maxTokens = root.has("max_completion_tokens")
                ? Dialect.maxTokens(root, "max_completion_tokens") : Dialect.maxTokens(root, "max_tokens");
        JsonNode lastUser = Json.MAPPER.missingNode();
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) lastUser = message;
        }
        JsonNode last = messages.get(messages.size() - 1);
        Optional<String> toolResult = "tool".equals(last.path("role").asText())
                ? Optional.of(Conversation.text(last.path("content"))) : Optional.empty();
        Optional<Conversation.Tool> tool = toolResult.isPresent() ? Optional.empty() : functionTool(root);
        return new Conversation(model, root.path("stream").asBoolean(false), maxTokens,
                Conversation.text(lastUser.path("content")), toolResult, tool, Conversation.countTokens(root),
                root.path("stream_options").path("include_usage").asBoolean(false), digest);
    }

    /** The tool to call from OpenAI-shaped {@code tools} ({@code {"type":"function","function":{...}}}). */
    static Optional<Conversation.Tool> functionTool(JsonNode root) {
        JsonNode tools = root.path("tools");
        JsonNode choice = root.path("tool_choice");
        if (!tools.isArray() || tools.isEmpty() || "none".equals(choice.asText())) return Optional.empty();
        String named = choice.path("function").path("name").isTextual() ? choice.path("function").path("name").asText() : null;
        for (JsonNode tool : tools) {
            JsonNode function = tool.path("function");
            if (named == null || named.equals(function.path("name").asText())) {
                return Optional.of(new Conversation.Tool(function.path("name").asText(), function.path("parameters")));
            }
        }
        throw new BadRequest("tool_choice: no function named '" + named + "' in tools");
    }

    static String finishReason(Answer.Stop stop) {
        return switch (stop) {
            case END -> "stop";
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case REFUSAL -> "content_filter";
        };
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode root = envelope(c, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (answer.toolCall().isPresent()) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", "call_fake_" + c.idSuffix(2)).put("type", "function");
            call.putObject("function").put("name", answer.toolCall().get().name())
                    .put("arguments", answer.toolCall().get().inputJson());
        } else {
            message.put("content", answer.text());
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer.stop()));
        root.set("usage", usage(c, answer));
        return Json.write(root);
    }

    private static ObjectNode envelope(Conversation c, String object) {
        ObjectNode root = Json.object();
        root.put("id", "chatcmpl-fake-" + c.idSuffix(1));
        root.put("object", object);
        root.put("created", CREATED);
        root.put("model", c.model());
        return root;
    }

    private static ObjectNode usage(Conversation c, Answer answer) {
        return Json.object().put("prompt_tokens", c.inputTokens()).put("completion_tokens", answer.outputTokens())
                .put("total_tokens", c.inputTokens() + answer.outputTokens());
    }

    @Override
    public String malformedBody() {
        return "{\"object\": \"chat.completion\", \"choices\": [{tru";
    }

    @Override
    public List<Frame> frames(Conversation c, Answer answer) {
        List<Frame> frames = new ArrayList<>(answer.deltas().size() + 4);
        boolean tool = answer.toolCall().isPresent();
        ObjectNode first = Json.object().put("role", "assistant");
        if (tool) {
            first.putNull("content");
            ObjectNode call = first.putArray("tool_calls").addObject();
            call.put("index", 0).put("id", "call_fake_" + c.idSuffix(2)).put("type", "function");
            call.putObject("function").put("name", answer.toolCall().get().name()).put("arguments", "");
        } else {
            first.put("content", "");
        }
        frames.add(chunk(c, first, null, false));
        for (String delta : answer.deltas()) {
            ObjectNode d = Json.object();
            if (tool) {
                d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", delta);
            } else {
                d.put("content", delta);
            }
            frames.add(chunk(c, d, null, true));
        }
        frames.add(chunk(c, Json.object(), finishReason(answer.stop()), false));
        if (c.includeUsage()) {
            ObjectNode root = envelope(c, "chat.completion.chunk");
            root.putArray("choices");
            root.set("usage", usage(c, answer));
            frames.add(new Frame("data: " + Json.write(root) + "\n\n", false));
        }
        frames.add(new Frame("data: [DONE]\n\n", false));
        return frames;
    }

    private static Frame chunk(Conversation c, ObjectNode delta, String finishReason, boolean isDelta) {
        ObjectNode root = envelope(c, "chat.completion.chunk");
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return new Frame("data: " + Json.write(root) + "\n\n", isDelta);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String malformedFrame() {
        return "data: {\"object\": \"chat.completion.chunk\", \"choices\": [{tru\n\n";
    }

    @Override
    public String error(ErrorKind kind, String message) {
        ObjectNode error = Json.object();
        error.put("message", message).put("type", kind.openAiType).putNull("param").put("code", kind.openAiCode);
        ObjectNode root = Json.object();
        root.set("error", error);
        return Json.write(root);
    }

    @Override
    public int status(ErrorKind kind) {
        return kind.statusOutsideAnthropic();
    }

    static String models() {
        ObjectNode root = Json.object().put("object", "list");
        root.putArray("data").addObject().put("id", "fake-model").put("object", "model").put("created", CREATED)
                .put("owned_by", "sluice-fake");
        return Json.write(root);
    }
}
