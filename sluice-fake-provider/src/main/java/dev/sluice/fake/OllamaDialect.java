package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ollama: {@code POST /api/chat}, NDJSON streaming by default (thinking lines, then content lines or one
 * line with every tool call, then the done line), one JSON object when {@code "stream":false}.
 */
final class OllamaDialect implements Dialect {
    static final String CREATED_AT = "2025-01-01T00:00:00Z";

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model is required");
        JsonNode messages = root.path("messages");
        if (!messages.isMissingNode() && !messages.isArray()) throw new BadRequest("messages: must be an array");
        int maxTokens = Dialect.maxTokens(root.path("options"), "num_predict");
        JsonNode lastUser = Json.MAPPER.missingNode();
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) lastUser = message;
        }
        String lastUserText = Conversation.text(lastUser.path("content"));
        Optional<String> toolResult = Conversation.trailingToolMessages(messages);
        Optional<List<Conversation.Tool>> loop = OpenAiDialect.shellLoop(root, messages, lastUser);
        List<Conversation.Tool> tools = loop.orElseGet(
                () -> toolResult.isPresent() ? List.of() : OpenAiDialect.functionTools(root, lastUserText));
        return new Conversation(
                model,
                root.path("stream").asBoolean(true),
                maxTokens,
                lastUserText,
                toolResult,
                tools,
                Tokens.count(root),
                false,
                thinks(root.path("think")),
                digest,
                loop.isPresent());
    }

    /** {@code think: true}, or a level ({@code "low"}, {@code "medium"}, {@code "high"}). */
    private static boolean thinks(JsonNode think) {
        if (think.isBoolean()) return think.asBoolean();
        return think.isTextual() && !think.asText().isEmpty() && !think.asText().equals("false");
    }

    static String doneReason(Answer.Stop stop) {
        return stop == Answer.Stop.MAX_TOKENS ? "length" : "stop";
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode root = line(c, answer.joinedText());
        ObjectNode message = (ObjectNode) root.get("message");
        if (!answer.thinking().isEmpty()) message.put("thinking", answer.joinedThinking());
        addToolCalls(message, answer);
        return Json.write(done(root, c, answer));
    }

    private static ObjectNode line(Conversation c, String content) {
        ObjectNode root = Json.object();
        root.put("model", c.model()).put("created_at", CREATED_AT);
        root.putObject("message").put("role", "assistant").put("content", content);
        return root;
    }

    /** Every tool call, arguments as an object, whole. */
    private static void addToolCalls(ObjectNode message, Answer answer) {
        if (answer.toolCalls().isEmpty()) return;
        ArrayNode calls = message.putArray("tool_calls");
        for (Answer.ToolCall call : answer.toolCalls()) {
            calls.addObject().putObject("function").put("name", call.name()).set("arguments", call.input());
        }
    }

    private static ObjectNode done(ObjectNode root, Conversation c, Answer answer) {
        root.put("done", true).put("done_reason", doneReason(answer.stop()));
        root.put("total_duration", 0).put("load_duration", 0);
        root.put("prompt_eval_count", c.inputTokens()).put("prompt_eval_duration", 0);
        root.put("eval_count", answer.outputTokens()).put("eval_duration", 0);
        return root;
    }

    @Override
    public String malformedBody() {
        return "{\"model\": \"fake\", \"message\": {tru";
    }

    @Override
    public List<Frame> frames(Conversation c, Answer answer) {
        List<Frame> frames = new ArrayList<>(answer.outputTokens() + 1);
        for (String piece : answer.thinking()) {
            ObjectNode line = line(c, "");
            ((ObjectNode) line.get("message")).put("thinking", piece);
            frames.add(ndjson(line.put("done", false), true));
        }
        if (!answer.toolCalls().isEmpty()) {
            // Ollama sends tool calls whole, in one line.
            ObjectNode line = line(c, "");
            addToolCalls((ObjectNode) line.get("message"), answer);
            frames.add(ndjson(line.put("done", false), true));
        }
        for (String word : answer.text()) frames.add(ndjson(line(c, word).put("done", false), true));
        frames.add(ndjson(done(line(c, ""), c, answer), false));
        return frames;
    }

    private static Frame ndjson(ObjectNode line, boolean delta) {
        return new Frame(Json.write(line) + "\n", delta);
    }

    @Override
    public String streamContentType() {
        return "application/x-ndjson";
    }

    @Override
    public String malformedFrame() {
        return "{\"model\": \"fake\", \"message\": {tru\n";
    }

    /** A line with the error string, and no done line. */
    @Override
    public String streamError(Conversation c, ErrorKind kind, String message, int framesSent) {
        return error(kind, message) + "\n";
    }

    @Override
    public String error(ErrorKind kind, String message) {
        return Json.write(Json.object().put("error", message));
    }

    @Override
    public int status(ErrorKind kind) {
        return kind.statusOutsideAnthropic();
    }

    static String tags() {
        ObjectNode root = Json.object();
        ObjectNode model = root.putArray("models").addObject();
        model.put("name", "fake-model:latest")
                .put("model", "fake-model:latest")
                .put("modified_at", CREATED_AT)
                .put("size", 0)
                .put("digest", "0".repeat(64));
        model.putObject("details")
                .put("format", "gguf")
                .put("family", "fake")
                .put("parameter_size", "0B")
                .put("quantization_level", "none");
        return Json.write(root);
    }
}
