package dev.sluice.gateway.translate.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.TranslationException;
import dev.sluice.gateway.translate.shared.Ids;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.ToolArguments;
import dev.sluice.gateway.translate.shared.Usages;
import java.time.InstantSource;

/**
 * An Anthropic {@code message} (the hub form of every upstream's whole answer) as a Responses
 * {@code response}: text blocks become message items, tool_use blocks function_call items, thinking
 * blocks reasoning items; blocks Responses cannot express (redacted thinking, server tools) are left out.
 */
public final class ResponsesAnswers {

    private ResponsesAnswers() {}

    public static ObjectNode fromAnthropic(JsonNode answer, JsonNode request, String targetModel, InstantSource clock)
            throws TranslationException {
        JsonNode content = answer.path("content");
        if (!content.isArray()) throw new TranslationException("content: expected an array of blocks");
        ResponseShell shell = new ResponseShell(request, Answers.answeredBy(answer, targetModel), clock);
        ArrayNode output = Json.array();
        for (JsonNode block : content) {
            switch (block.path("type").asText("")) {
                case "text" ->
                    output.add(ResponseItems.message(
                            Ids.item("msg_"), "completed", block.path("text").asText("")));
                case "thinking" ->
                    output.add(ResponseItems.reasoning(
                            Ids.item("rs_"), block.path("thinking").asText("")));
                case "tool_use" ->
                    output.add(ResponseItems.functionCall(
                            Ids.item("fc_"),
                            "completed",
                            block.path("id").asText(),
                            block.path("name").asText(),
                            ToolArguments.format(block.get("input"))));
                default -> {}
            }
        }
        return shell.finished(
                output,
                Usages.fromAnthropic(answer.get("usage")),
                answer.path("stop_reason").textValue());
    }
}
