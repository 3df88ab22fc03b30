package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * One streamed answer, rendered as each upstream dialect really sends it (shapes as in the APIs'
 * documentation and in sluice-fake-provider): Anthropic SSE events with pings, OpenAI chunks with a
 * usage chunk and [DONE], Ollama NDJSON lines with tool calls whole.
 */
record StreamScenario(String name, List<Part> parts, String stop, Usage usage) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** kind text / thinking / tool_use; pieces are the deltas (argument fragments for tools). */
    record Part(String kind, List<String> pieces, String id, String name) {
        static Part text(String... pieces) {
            return new Part("text", List.of(pieces), null, null);
        }

        static Part thinking(String... pieces) {
            return new Part("thinking", List.of(pieces), null, null);
        }

        static Part tool(String id, String name, String... argumentPieces) {
            return new Part("tool_use", List.of(argumentPieces), id, name);
        }

        String joined() {
            return String.join("", pieces);
        }
    }

    /** The model each upstream dialect's frames name: the model that answered. */
    static String answeredBy(Dialect upstream) {
        return switch (upstream) {
            case ANTHROPIC -> "claude-sonnet-4-5";
            case OPENAI -> "gpt-4o-2024-08-06";
            case OLLAMA -> "llama3.2";
            case RESPONSES -> throw notRendered();
        };
    }

    /** The usage each upstream dialect can carry of {@link #usage}. */
    Usage usageThrough(Dialect upstream) {
        return switch (upstream) {
            case ANTHROPIC -> usage;
            case OPENAI -> new Usage(usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(), 0);
            case OLLAMA -> new Usage(usage.inputTokens(), usage.outputTokens(), 0, 0);
            case RESPONSES -> throw notRendered();
        };
    }

    List<SseEvent> frames(Dialect upstream) {
        return switch (upstream) {
            case ANTHROPIC -> anthropic();
            case OPENAI -> openAi();
            case OLLAMA -> ollama();
            case RESPONSES -> throw notRendered();
        };
    }

    /** The upstream dialects whose frames a scenario renders: those translated to clients. */
    static final List<Dialect> UPSTREAMS = List.of(Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.OLLAMA);

    private static IllegalArgumentException notRendered() {
        return new IllegalArgumentException("a Responses upstream is only ever passed through; no frames rendered");
    }

    private List<SseEvent> anthropic() {
        List<SseEvent> out = new ArrayList<>();
        ObjectNode message = MAPPER.createObjectNode()
                .put("id", "msg_01XFDUDYJgAACzvnptvVoYEL")
                .put("type", "message")
                .put("role", "assistant")
                .put("model", "claude-sonnet-4-5");
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage")
                .put("input_tokens", usage.inputTokens())
                .put("cache_creation_input_tokens", usage.cacheWriteTokens())
                .put("cache_read_input_tokens", usage.cacheReadTokens())
                .put("output_tokens", 1);
        ObjectNode start = MAPPER.createObjectNode().put("type", "message_start");
        start.set("message", message);
        out.add(event(start));
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            ObjectNode block = MAPPER.createObjectNode().put("type", part.kind());
            switch (part.kind()) {
                case "text" -> block.put("text", "");
                case "thinking" -> block.put("thinking", "").put("signature", "");
                default -> block.put("id", part.id()).put("name", part.name()).putObject("input");
            }
            ObjectNode blockStart =
                    MAPPER.createObjectNode().put("type", "content_block_start").put("index", i);
            blockStart.set("content_block", block);
            out.add(event(blockStart));
            if (i == 0) out.add(event(MAPPER.createObjectNode().put("type", "ping")));
            for (String piece : part.pieces()) {
                ObjectNode delta = MAPPER.createObjectNode();
                switch (part.kind()) {
                    case "text" -> delta.put("type", "text_delta").put("text", piece);
                    case "thinking" -> delta.put("type", "thinking_delta").put("thinking", piece);
                    default -> delta.put("type", "input_json_delta").put("partial_json", piece);
                }
                out.add(event(blockDelta(i, delta)));
            }
            if (part.kind().equals("thinking")) {
                out.add(event(blockDelta(
                        i,
                        MAPPER.createObjectNode().put("type", "signature_delta").put("signature", "EqQBCgIYAh"))));
            }
            out.add(event(
                    MAPPER.createObjectNode().put("type", "content_block_stop").put("index", i)));
        }
        ObjectNode messageDelta = MAPPER.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", usage.outputTokens());
        out.add(event(messageDelta));
        out.add(event(MAPPER.createObjectNode().put("type", "message_stop")));
        return out;
    }

    private static ObjectNode blockDelta(int index, ObjectNode delta) {
        ObjectNode event =
                MAPPER.createObjectNode().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        return event;
    }

    private static SseEvent event(ObjectNode data) {
        return new SseEvent(data.path("type").asText(), data.toString());
    }

    private List<SseEvent> openAi() {
        List<SseEvent> out = new ArrayList<>();
        out.add(chunk(MAPPER.createObjectNode().put("role", "assistant").put("content", ""), null));
        int tool = 0;
        for (Part part : parts) {
            if (part.kind().equals("tool_use")) {
                ObjectNode first = MAPPER.createObjectNode();
                ObjectNode call = first.putArray("tool_calls")
                        .addObject()
                        .put("index", tool)
                        .put("id", part.id())
                        .put("type", "function");
                call.putObject("function").put("name", part.name()).put("arguments", "");
                out.add(chunk(first, null));
                for (String piece : part.pieces()) {
                    ObjectNode delta = MAPPER.createObjectNode();
                    delta.putArray("tool_calls")
                            .addObject()
                            .put("index", tool)
                            .putObject("function")
                            .put("arguments", piece);
                    out.add(chunk(delta, null));
                }
                tool++;
            } else {
                String field = part.kind().equals("text") ? "content" : "reasoning_content";
                for (String piece : part.pieces())
                    out.add(chunk(MAPPER.createObjectNode().put(field, piece), null));
            }
        }
        String finish = switch (stop) {
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
        out.add(chunk(MAPPER.createObjectNode(), finish));
        ObjectNode usageChunk = envelope();
        usageChunk.putArray("choices");
        usageChunk
                .putObject("usage")
                .put("prompt_tokens", usage.inputTokens() + usage.cacheReadTokens())
                .put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.inputTokens() + usage.cacheReadTokens() + usage.outputTokens())
                .putObject("prompt_tokens_details")
                .put("cached_tokens", usage.cacheReadTokens());
        out.add(new SseEvent("message", usageChunk.toString()));
        out.add(new SseEvent("message", "[DONE]"));
        return out;
    }

    private static ObjectNode envelope() {
        return MAPPER.createObjectNode()
                .put("id", "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG")
                .put("object", "chat.completion.chunk")
                .put("created", 1735689600L)
                .put("model", "gpt-4o-2024-08-06")
                .put("system_fingerprint", "fp_44709d6fcb");
    }

    private static SseEvent chunk(ObjectNode delta, String finish) {
        ObjectNode root = envelope();
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return new SseEvent("message", root.toString());
    }

    private List<SseEvent> ollama() {
        List<SseEvent> out = new ArrayList<>();
        for (Part part : parts) {
            if (part.kind().equals("tool_use")) {
                ObjectNode line = line("");
                ArrayNode calls = ((ObjectNode) line.get("message")).putArray("tool_calls");
                try {
                    calls.addObject()
                            .putObject("function")
                            .put("name", part.name())
                            .set("arguments", MAPPER.readTree(part.joined()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                out.add(new SseEvent("message", line.put("done", false).toString()));
            } else {
                for (String piece : part.pieces()) {
                    ObjectNode line = line(part.kind().equals("text") ? piece : "");
                    if (part.kind().equals("thinking")) ((ObjectNode) line.get("message")).put("thinking", piece);
                    out.add(new SseEvent("message", line.put("done", false).toString()));
                }
            }
        }
        ObjectNode done = line("").put("done", true)
                .put("done_reason", stop.equals("max_tokens") ? "length" : "stop")
                .put("total_duration", 5191566416L)
                .put("load_duration", 2154458L)
                .put("prompt_eval_count", usage.inputTokens())
                .put("prompt_eval_duration", 383809000L)
                .put("eval_count", usage.outputTokens())
                .put("eval_duration", 4799921000L);
        out.add(new SseEvent("message", done.toString()));
        return out;
    }

    private static ObjectNode line(String content) {
        ObjectNode line =
                MAPPER.createObjectNode().put("model", "llama3.2").put("created_at", "2025-01-01T00:00:00.000Z");
        line.putObject("message").put("role", "assistant").put("content", content);
        return line;
    }
}
