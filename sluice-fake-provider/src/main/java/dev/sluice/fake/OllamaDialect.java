package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Ollama: {@code POST /api/chat}, NDJSON streaming by default, one JSON object when {@code "stream":false}. */
final class OllamaDialect implements Dialect {
    static final String CREATED_AT = "2025-01-01T00:00:00Z";

    @Override
    public Conversation parse(JsonNode root, long digest) {
        String model = Dialect.requireModel(root, "model is required");
        JsonNode messages = root.path("messages");
        if (!messages.isMissingNode() && !messages.isArray()) throw new BadRequest("messages: must be an array");
        int maxTokens = Dialect.maxTokens(root.path("options"), "num_predict");
        JsonNode lastUser = Json.MAPPER.missingNode();
        JsonNode last = Json.MAPPER.missingNode();
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) lastUser = message;
            last = message;
        }
        Optional<String> toolResult = "tool".equals(last.path("role").asText())
                ? Optional.of(last.path("content").asText("")) : Optional.empty();
        Optional<Conversation.Tool> tool = toolResult.isPresent() ? Optional.empty() : OpenAiDialect.functionTool(root);
        return new Conversation(model, root.path("stream").asBoolean(true), maxTokens,
                Conversation.text(lastUser.path("content")), toolResult, tool, Conversation.countTokens(root),
                false, digest);
    }

    static String doneReason(Answer.Stop stop) {
        return stop == Answer.Stop.MAX_TOKENS ? "length" : "stop";
    }

    @Override
    public String body(Conversation c, Answer answer) {
        ObjectNode root = line(c, answer, answer.toolCall().isPresent() ? "" : answer.text());
        return Json.write(done(root, c, answer));
    }

    private static ObjectNode line(Conversation c, Answer answer, String content) {
        ObjectNode root = Json.object();
        root.put("model", c.model()).put("created_at", CREATED_AT);
        ObjectNode message = root.putObject("message").put("role", "assistant").put("content", content);
        if (answer != null && answer.toolCall().isPresent()) {
            message.putArray("tool_calls").addObject().putObject("function")
                    .put("name", answer.toolCall().get().name()).set("arguments", answer.toolCall().get().input());
        }
        return root;
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
        List<Frame> frames = new ArrayList<>(answer.deltas().size() + 1);
        if (answer.toolCall().isPresent()) {
            // Ollama sends a tool call whole, in one line.
            frames.add(new Frame(Json.write(line(c, answer, "").put("done", false)) + "\n", true));
        } else {
            for (String delta : answer.deltas()) {
                frames.add(new Frame(Json.write(line(c, null, delta).put("done", false)) + "\n", true));
            }
        }
        frames.add(new Frame(Json.write(done(line(c, null, ""), c, answer)) + "\n", false));
        return frames;
    }

    @Override
    public String streamContentType() {
        return "application/x-ndjson";
    }

    @Override
    public String malformedFrame() {
        return "{\"model\": \"fake\", \"message\": {tru\n";
    }

    @Override
    public String error(ErrorKind kind, String message) {
        return Json.write(Json.object().put("error", message));
    }

    @Override
    public int status(ErrorKind kind) {
        return kind.statusOutsideAnthropic();
    }
}
