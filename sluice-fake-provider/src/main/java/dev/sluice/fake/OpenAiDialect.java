package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * OpenAI Chat Completions: {@code POST /v1/chat/completions} (and the OpenAI-compatible routes), JSON or
 * SSE {@code data:} chunks ending in [DONE] ({@link OpenAiStream}).
 */
final class OpenAiDialect implements Dialect {
    static final long CREATED = 1735689600L;

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model: you must provide a model parameter");
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) throw new BadRequest("messages: Missing required parameter: 'messages'");
        if (messages.isEmpty()) throw new BadRequest("messages: must contain at least one message");
        int maxTokens = root.has("max_completion_tokens")
                ? Dialect.maxTokens(root, "max_completion_tokens")
                : Dialect.maxTokens(root, "max_tokens");
        JsonNode lastUser = Json.MAPPER.missingNode();
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) lastUser = message;
        }
        String lastUserText = Conversation.text(lastUser.path("content"));
        Optional<String> toolResult = Conversation.trailingToolMessages(messages);
        Optional<List<Conversation.Tool>> loop = shellLoop(root, messages, lastUser);
        List<Conversation.Tool> tools =
                loop.orElseGet(() -> toolResult.isPresent() ? List.of() : functionTools(root, lastUserText));
        JsonNode effort = root.path("reasoning_effort");
        boolean thinking = effort.isTextual() && !effort.asText().equals("none");
        return new Conversation(
                model,
                root.path("stream").asBoolean(false),
                maxTokens,
                lastUserText,
                toolResult,
                tools,
                Tokens.count(root),
                root.path("stream_options").path("include_usage").asBoolean(false),
                thinking,
                digest,
                loop.isPresent());
    }

    /** The scripted shell loop ({@link Tools#shellLoop}) over OpenAI-shaped tools; answered by any {@code role:"tool"} message. */
    static Optional<List<Conversation.Tool>> shellLoop(JsonNode root, JsonNode messages, JsonNode lastUser) {
        boolean answered = false;
        for (JsonNode message : messages)
            answered |= "tool".equals(message.path("role").asText());
        JsonNode choice = root.path("tool_choice");
        JsonNode named = choice.path("function").path("name");
        return Tools.shellLoop(
                root.path("tools"),
                OpenAiDialect::functionTool,
                named.isTextual() ? Optional.of(named.asText()) : Optional.empty(),
                "none".equals(choice.asText()),
                answered,
                lastUser.path("content"));
    }

    private static Conversation.Tool functionTool(JsonNode tool) {
        return new Conversation.Tool(
                tool.path("function").path("name").asText(),
                tool.path("function").path("parameters"));
    }

    /** The tools to call from OpenAI-shaped {@code tools} ({@code {"type":"function","function":{...}}}). */
    static List<Conversation.Tool> functionTools(JsonNode root, String lastUserText) {
        JsonNode choice = root.path("tool_choice");
        JsonNode named = choice.path("function").path("name");
        return Tools.choose(
                root.path("tools"),
                OpenAiDialect::functionTool,
                named.isTextual() ? Optional.of(named.asText()) : Optional.empty(),
                "none".equals(choice.asText()),
                root.path("parallel_tool_calls").asBoolean(true),
                lastUserText);
    }

    static String finishReason(Answer.Stop stop) {
        return switch (stop) {
            case END -> "stop";
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case REFUSAL -> "content_filter";
        };
    }

    /** A last {@code assistant} message of text is continued when {@code "continue_final_message": true} (vLLM's option). */
    @Override
    public Optional<String> prefill(JsonNode root) {
        if (!root.path("continue_final_message").asBoolean(false)) return Optional.empty();
        return Dialect.trailingAssistantText(root);
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode root = envelope(c, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (!answer.toolCalls().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", answer.joinedText());
        }
        if (!answer.thinking().isEmpty()) message.put("reasoning_content", answer.joinedThinking());
        if (!answer.toolCalls().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (int i = 0; i < answer.toolCalls().size(); i++) {
                Answer.ToolCall call = answer.toolCalls().get(i);
                calls.addObject()
                        .put("id", callId(c, i))
                        .put("type", "function")
                        .putObject("function")
                        .put("name", call.name())
                        .put("arguments", call.inputJson());
            }
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(answer.stop()));
        root.set("usage", usage(c, answer));
        return Json.write(root);
    }

    static String callId(Conversation c, int index) {
        return "call_fake_" + c.toolCallSuffix(index);
    }

    static ObjectNode envelope(Conversation c, String object) {
        ObjectNode root = Json.object();
        root.put("id", "chatcmpl-fake-" + c.idSuffix(1));
        root.put("object", object);
        root.put("created", CREATED);
        root.put("model", c.model());
        return root;
    }

    /** {@code prompt_tokens} counts the cached prefix too; {@code completion_tokens} counts the reasoning. */
    static ObjectNode usage(Conversation c, Answer answer) {
        ObjectNode usage = Json.object()
                .put("prompt_tokens", c.inputTokens())
                .put("completion_tokens", answer.outputTokens())
                .put("total_tokens", c.inputTokens() + answer.outputTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", c.prompt().cacheRead());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", answer.thinkingTokens());
        return usage;
    }

    @Override
    public String malformedBody() {
        return "{\"object\": \"chat.completion\", \"choices\": [{tru";
    }

    @Override
    public List<Frame> frames(Conversation c, Answer answer) {
        return OpenAiStream.frames(c, answer);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String malformedFrame() {
        return "data: {\"object\": \"chat.completion.chunk\", \"choices\": [{tru\n\n";
    }

    /** A chunk with the error object instead of choices, and no {@code [DONE]}. */
    @Override
    public String streamError(Conversation c, ErrorKind kind, String message, int framesSent) {
        return "data: " + error(kind, message) + "\n\n";
    }

    @Override
    public String error(ErrorKind kind, String message) {
        ObjectNode error = Json.object();
        error.put("message", message)
                .put("type", kind.openAiType)
                .putNull("param")
                .put("code", kind.openAiCode);
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
        root.putArray("data")
                .addObject()
                .put("id", "fake-model")
                .put("object", "model")
                .put("created", CREATED)
                .put("owned_by", "sluice-fake");
        return Json.write(root);
    }
}
