package dev.sluice.gateway.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.answer.ResponsesAnswers;
import dev.sluice.gateway.translate.request.ResponsesRequests;
import dev.sluice.gateway.translate.shared.Json;
import java.time.InstantSource;

/**
 * The bodies of one exchange across dialects: the request as the upstream speaks it, and the
 * upstream's whole answer as the client speaks it. Same dialect: the client's bytes go as sent, only
 * the model replaced when the route names another; nothing is ever added that the client did not ask for.
 */
public final class Exchanges {

    private Exchanges() {}

    /** The request body for {@code upstream}, calling {@code model}. */
    public static byte[] request(
            Dialect client, Dialect upstream, byte[] body, JsonNode json, String model, boolean stream)
            throws TranslationException {
        if (client == upstream) {
            // an OpenAI stream reports its usage only when asked: Sluice always asks, so usage records and token
            // budgets count what a client streamed without asking (the usage chunk is kept from such a client)
            boolean askUsage = client == Dialect.OPENAI
                    && stream
                    && !json.path("stream_options").path("include_usage").asBoolean(false);
            if (model.equals(json.path("model").asText()) && !askUsage) {
                return body;
            }
            ObjectNode copy = json.deepCopy();
            copy.put("model", model);
            if (askUsage) {
                JsonNode options = copy.path("stream_options");
                (options.isObject() ? (ObjectNode) options : copy.putObject("stream_options"))
                        .put("include_usage", true);
            }
            return Json.bytes(copy);
        }
        JsonNode request = json;
        Dialect from = client;
        if (client == Dialect.RESPONSES) { // to Chat Completions first: from there on as an OpenAI client's
            request = ResponsesRequests.toChat(json);
            from = Dialect.OPENAI;
        }
        ObjectNode out;
        if (from == Dialect.OPENAI && upstream == Dialect.OPENAI) {
            out = (ObjectNode) request;
        } else {
            ObjectNode anthropic =
                    from == Dialect.ANTHROPIC ? (ObjectNode) request : Translate.openAiRequestToAnthropic(request);
            out = switch (upstream) {
                case ANTHROPIC -> anthropic;
                case OPENAI -> Translate.anthropicRequestToOpenAi(anthropic);
                case OLLAMA -> Translate.anthropicRequestToOllama(anthropic);
                case RESPONSES ->
                    throw new IllegalArgumentException("only Responses clients reach a Responses upstream");
            };
        }
        out.put("model", model);
        if (upstream == Dialect.OLLAMA) {
            out.put("stream", stream); // Ollama streams unless told not to; keep the client's choice
        }
        return Json.bytes(out);
    }

    /**
     * The upstream's whole (non-streaming) answer in the client's dialect, naming the model that
     * answered: the answer's own {@code model}, else {@code targetModel}.
     */
    public static byte[] answer(
            Dialect upstream,
            Dialect client,
            byte[] body,
            ObjectNode parsed,
            String targetModel,
            JsonNode clientRequest)
            throws TranslationException {
        if (upstream == client) {
            return body;
        }
        ObjectNode anthropic = switch (upstream) {
            case ANTHROPIC -> parsed;
            case OPENAI -> Translate.openAiResponseToAnthropic(parsed, targetModel);
            case OLLAMA -> Translate.ollamaResponseToAnthropic(parsed, targetModel);
            case RESPONSES -> throw new IllegalArgumentException("a Responses upstream answers Responses clients only");
        };
        return Json.bytes(
                switch (client) {
                    case ANTHROPIC -> anthropic;
                    case OPENAI -> Translate.anthropicResponseToOpenAi(anthropic, targetModel);
                    case RESPONSES ->
                        ResponsesAnswers.fromAnthropic(anthropic, clientRequest, targetModel, InstantSource.system());
                    case OLLAMA -> throw new IllegalArgumentException("Ollama is not a client dialect");
                });
    }
}
