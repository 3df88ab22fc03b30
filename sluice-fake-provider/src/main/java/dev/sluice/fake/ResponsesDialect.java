package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The OpenAI Responses API: {@code POST /v1/responses}, a response object, or SSE events named by
 * {@code event:} lines ({@link ResponsesStream}). Input is a string or items (messages, function calls,
 * their outputs; reasoning items are ignored); function tools are flat ({@code {type, name, parameters}}).
 * No reasoning output is produced.
 */
final class ResponsesDialect implements Dialect {
    /** Errors are Chat Completions' errors. */
    private static final Dialect OPEN_AI = new OpenAiDialect();

    private static final Function<JsonNode, Conversation.Tool> READ =
            tool -> new Conversation.Tool(tool.path("name").asText(), tool.path("parameters"));

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model: Missing required parameter: 'model'.");
        JsonNode input = root.path("input");
        if (input.isMissingNode() || input.isNull())
            throw new BadRequest("input: Missing required parameter: 'input'.");
        if (!input.isTextual() && !input.isArray())
            throw new BadRequest("input: must be a string or an array of items");
        int maxTokens = Dialect.maxTokens(root, "max_output_tokens");
        ArrayNode items = input.isArray() ? (ArrayNode) input : Json.MAPPER.createArrayNode();
        if (input.isTextual()) items.addObject().put("role", "user").put("content", input.asText());
        JsonNode lastUser = Json.MAPPER.missingNode();
        boolean answered = false;
        for (JsonNode item : items) {
            if (!item.isObject()) throw new BadRequest("input: each item must be an object");
            String type = item.path("type").asText("message");
            if (type.equals("message") && "user".equals(item.path("role").asText())) lastUser = item;
            answered |= type.equals("function_call_output");
        }
        String lastUserText = Conversation.text(lastUser.path("content"));
        Optional<String> toolResult = trailingOutputs(items);
        ArrayNode tools = Json.MAPPER.createArrayNode();
        for (JsonNode tool : root.path("tools")) {
            if ("function".equals(tool.path("type").asText())) tools.add(tool);
        }
        JsonNode choice = root.path("tool_choice");
        Optional<String> named = choice.path("name").isTextual()
                ? Optional.of(choice.path("name").asText())
                : Optional.empty();
        boolean off = "none".equals(choice.asText());
        Optional<List<Conversation.Tool>> loop =
                Tools.shellLoop(tools, READ, named, off, answered, lastUser.path("content"));
        List<Conversation.Tool> chosen = loop.orElseGet(() -> toolResult.isPresent()
                ? List.of()
                : Tools.choose(
                        tools,
                        READ,
                        named,
                        off,
                        root.path("parallel_tool_calls").asBoolean(true),
                        lastUserText));
        return new Conversation(
                model,
                root.path("stream").asBoolean(false),
                maxTokens,
                lastUserText,
                toolResult,
                chosen,
                Tokens.count(asChat(root.path("instructions"), items)),
                false,
                false,
                digest,
                loop.isPresent());
    }

    /** Whether the last input item is an assistant message. */
    @Override
    public boolean endsWithAssistant(JsonNode root) {
        JsonNode input = root.path("input");
        if (!input.isArray() || input.isEmpty()) return false;
        JsonNode last = input.get(input.size() - 1);
        return last.path("type").asText("message").equals("message")
                && "assistant".equals(last.path("role").asText());
    }

    /**
     * The {@code output} of the {@code function_call_output} items that end the input, joined with
     * {@code "; "}, or empty when the last item is no function call output.
     */
    private static Optional<String> trailingOutputs(JsonNode items) {
        int first = items.size();
        while (first > 0
                && "function_call_output"
                        .equals(items.get(first - 1).path("type").asText())) first--;
        if (first == items.size()) return Optional.empty();
        List<String> outputs = new ArrayList<>();
        for (int i = first; i < items.size(); i++)
            outputs.add(Conversation.text(items.get(i).path("output")));
        return Optional.of(String.join("; ", outputs));
    }

    /**
     * The request as the chat prompt it stands for, for {@link Tokens}: the instructions as the system
     * prompt, each item's {@code content} (or a function call output's {@code output}) as a message.
     */
    private static JsonNode asChat(JsonNode instructions, JsonNode items) {
        ObjectNode chat = Json.object();
        if (instructions.isTextual()) chat.put("system", instructions.asText());
        ArrayNode messages = chat.putArray("messages");
        for (JsonNode item : items) {
            JsonNode content = item.has("content") ? item.path("content") : item.path("output");
            if (!content.isMissingNode()) messages.addObject().set("content", content);
        }
        return chat;
    }

    @Override
    public String body(Conversation c, Answer answer) {
        return Json.write(response(c, answer));
    }

    /** The whole response object: {@code completed}, or {@code incomplete} when the token limit cut it. */
    static ObjectNode response(Conversation c, Answer answer) {
        boolean cut = answer.stop() == Answer.Stop.MAX_TOKENS;
        ObjectNode response = envelope(c, cut ? "incomplete" : "completed");
        if (cut) response.putObject("incomplete_details").put("reason", "max_output_tokens");
        ArrayNode output = response.putArray("output");
        items(c, answer).forEach(output::add);
        ObjectNode usage = response.putObject("usage").put("input_tokens", c.inputTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", c.prompt().cacheRead());
        usage.put("output_tokens", answer.outputTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", answer.thinkingTokens());
        usage.put("total_tokens", c.inputTokens() + answer.outputTokens());
        return response;
    }

    /** A response with no output or usage yet: what the stream opens with and fails with. */
    static ObjectNode envelope(Conversation c, String status) {
        ObjectNode response = Json.object()
                .put("id", "resp_fake_" + c.idSuffix(1))
                .put("object", "response")
                .put("created_at", OpenAiDialect.CREATED)
                .put("status", status);
        response.putNull("error");
        response.putNull("incomplete_details");
        response.put("model", c.model());
        response.putArray("output");
        response.putNull("usage");
        return response;
    }

    /** The output items, finished: one assistant message of the text, or one function call item per call. */
    static List<ObjectNode> items(Conversation c, Answer answer) {
        List<ObjectNode> items = new ArrayList<>();
        if (answer.toolCalls().isEmpty()) {
            String status = answer.stop() == Answer.Stop.MAX_TOKENS ? "incomplete" : "completed";
            items.add(message(c, status, Optional.of(part(answer, answer.joinedText()))));
        }
        for (int i = 0; i < answer.toolCalls().size(); i++) {
            items.add(functionCall(
                    c, answer.toolCalls().get(i), i, answer.toolCalls().get(i).inputJson(), "completed"));
        }
        return items;
    }

    /** The assistant message item, with its content part once there is one. */
    static ObjectNode message(Conversation c, String status, Optional<ObjectNode> part) {
        ObjectNode message = Json.object()
                .put("type", "message")
                .put("id", messageId(c))
                .put("status", status)
                .put("role", "assistant");
        ArrayNode content = message.putArray("content");
        part.ifPresent(content::add);
        return message;
    }

    static String messageId(Conversation c) {
        return "msg_fake_" + c.idSuffix(4);
    }

    /** The message's one content part: {@code output_text}, or {@code refusal} for the content filter. */
    static ObjectNode part(Answer answer, String text) {
        if (answer.stop() == Answer.Stop.REFUSAL)
            return Json.object().put("type", "refusal").put("refusal", text);
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    static ObjectNode functionCall(Conversation c, Answer.ToolCall call, int index, String arguments, String status) {
        return Json.object()
                .put("type", "function_call")
                .put("id", "fc_fake_" + c.toolCallSuffix(index))
                .put("call_id", OpenAiDialect.callId(c, index))
                .put("name", call.name())
                .put("arguments", arguments)
                .put("status", status);
    }

    @Override
    public String malformedBody() {
        return "{\"object\": \"response\", \"output\": [{tru";
    }

    @Override
    public List<Frame> frames(Conversation c, Answer answer) {
        return ResponsesStream.frames(c, answer);
    }

    @Override
    public String streamContentType() {
        return "text/event-stream; charset=utf-8";
    }

    @Override
    public String malformedFrame() {
        return "event: response.output_text.delta\ndata: {\"type\": \"response.output_text.delta\", {tru\n\n";
    }

    /** {@code event: error}, then {@code response.failed} with the response and its error. */
    @Override
    public String streamError(Conversation c, ErrorKind kind, String message, int framesSent) {
        ObjectNode error =
                Json.object().put("type", "error").put("code", kind.openAiCode).put("message", message);
        error.putNull("param");
        error.put("sequence_number", framesSent);
        ObjectNode response = envelope(c, "failed");
        response.putObject("error").put("code", kind.openAiCode).put("message", message);
        ObjectNode failed = Json.object().put("type", "response.failed").put("sequence_number", framesSent + 1);
        failed.set("response", response);
        return ResponsesStream.event(error) + ResponsesStream.event(failed);
    }

    @Override
    public String error(ErrorKind kind, String message) {
        return OPEN_AI.error(kind, message);
    }

    @Override
    public int status(ErrorKind kind) {
        return OPEN_AI.status(kind);
    }
}
