package dev.sluice.gateway.translate.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.StopReasons;
import dev.sluice.gateway.translate.shared.ToolArguments;
import dev.sluice.gateway.translate.shared.Usages;
import java.time.InstantSource;
import org.jspecify.annotations.Nullable;

/**
 * Non-streaming answers. Upstream ids are kept ({@code chatcmpl-...} stays the message id,
 * {@code call_...} the tool_use id and back); Ollama gives no message id (and tool-call ids only
 * lately), so {@code msg_}/{@code toolu_} ids are generated. The {@code model} named is the one that
 * answered: the upstream answer's own {@code model}, else the target model given. Reasoning text becomes a thinking block with an empty {@code signature} (there
 * is none to give); Anthropic thinking becomes OpenAI {@code reasoning_content}.
 */
public final class Answers {

    private Answers() {}

    public static ObjectNode openAiToAnthropic(JsonNode completion, String targetModel) throws TranslationException {
        JsonNode choice = completion.path("choices").path(0);
        if (!choice.isObject()) throw new TranslationException("choices: expected at least one choice");
        JsonNode message = choice.path("message");
        ArrayNode content = Json.array();
        String reasoning = reasoning(message);
        if (reasoning != null)
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", reasoning)
                    .put("signature", "");
        String text = Json.text(message, "content");
        if (text != null) content.addObject().put("type", "text").put("text", text);
        String refusal = Json.text(message, "refusal");
        if (refusal != null) content.addObject().put("type", "text").put("text", refusal);
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String where = "choices[0].message.tool_calls[" + i + "]";
            ObjectNode block = content.addObject().put("type", "tool_use");
            block.put("id", call.path("id").isTextual() ? call.path("id").asText() : Ids.toolUse());
            block.put("name", call.path("function").path("name").asText());
            block.set(
                    "input",
                    ToolArguments.parse(call.path("function").path("arguments"), where + ".function.arguments"));
        }
        String stop = refusal != null
                ? "refusal"
                : StopReasons.fromOpenAi(choice.path("finish_reason").textValue(), !calls.isEmpty());
        String id = completion.path("id").isTextual() ? completion.path("id").asText() : Ids.message();
        return message(
                id, answeredBy(completion, targetModel), content, stop, Usages.fromOpenAi(completion.get("usage")));
    }

    /** OpenAI-compatible servers name the reasoning text {@code reasoning_content} or {@code reasoning}. */
    public static @Nullable String reasoning(JsonNode messageOrDelta) {
        String reasoning = Json.text(messageOrDelta, "reasoning_content");
        return reasoning != null ? reasoning : Json.text(messageOrDelta, "reasoning");
    }

    public static ObjectNode ollamaToAnthropic(JsonNode response, String targetModel) throws TranslationException {
        if (response.path("error").isTextual())
            throw new TranslationException("error: " + response.path("error").asText());
        JsonNode message = response.path("message");
        if (!message.isObject()) throw new TranslationException("message: required");
        ArrayNode content = Json.array();
        String thinking = Json.text(message, "thinking");
        if (thinking != null)
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", thinking)
                    .put("signature", "");
        String text = Json.text(message, "content");
        if (text != null) content.addObject().put("type", "text").put("text", text);
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode function = calls.get(i).path("function");
            String id = Json.text(calls.get(i), "id"); // recent Ollama versions give one
            ObjectNode block = content.addObject().put("type", "tool_use").put("id", id != null ? id : Ids.toolUse());
            block.put("name", function.path("name").asText());
            block.set(
                    "input",
                    ToolArguments.parse(
                            function.path("arguments"), "message.tool_calls[" + i + "].function.arguments"));
        }
        String stop = StopReasons.fromOllama(response.path("done_reason").asText(""), !calls.isEmpty());
        return message(Ids.message(), answeredBy(response, targetModel), content, stop, Usages.fromOllama(response));
    }

    /** The model that answered: the answer's (or frame's) own {@code model}, else the target's. */
    public static String answeredBy(JsonNode answer, String targetModel) {
        String model = Json.text(answer, "model");
        return model != null ? model : targetModel;
    }

    private static ObjectNode message(String id, String model, ArrayNode content, String stop, Usage usage) {
        ObjectNode out = Json.object();
        out.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        out.set("content", content);
        out.put("stop_reason", stop).putNull("stop_sequence");
        out.set("usage", Usages.toAnthropic(usage));
        return out;
    }

    public static ObjectNode anthropicToOpenAi(JsonNode answer, String targetModel, InstantSource clock)
            throws TranslationException {
        JsonNode content = answer.path("content");
        if (!content.isArray()) throw new TranslationException("content: expected an array of blocks");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = Json.array();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            switch (block.path("type").asText("")) {
                case "text" -> text.append(block.path("text").asText(""));
                case "thinking" -> thinking.append(block.path("thinking").asText(""));
                case "tool_use" -> {
                    ObjectNode call = calls.addObject()
                            .put("id", block.path("id").asText())
                            .put("type", "function");
                    call.putObject("function")
                            .put("name", block.path("name").asText())
                            .put("arguments", ToolArguments.format(block.get("input")));
                }
                default -> {} // redacted_thinking and server-tool blocks have no OpenAI form
            }
        }
        ObjectNode out = Json.object();
        out.put("id", answer.path("id").isTextual() ? answer.path("id").asText() : Ids.completion());
        out.put("object", "chat.completion")
                .put("created", clock.instant().getEpochSecond())
                .put("model", answeredBy(answer, targetModel));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (text.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!thinking.isEmpty()) message.put("reasoning_content", thinking.toString());
        if (!calls.isEmpty()) message.set("tool_calls", calls);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put(
                "finish_reason", StopReasons.toOpenAi(answer.path("stop_reason").textValue()));
        out.set("usage", Usages.toOpenAi(Usages.fromAnthropic(answer.get("usage"))));
        return out;
    }
}
