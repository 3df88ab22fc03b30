package dev.sluice.gateway.translate.stream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The stream-order validators accept real streams and reject each kind of bad sequence. */
class StreamOrderValidatorsTest {
    private static final String START = ev(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                    + "\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}");
    private static final String TEXT_START = ev(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    private static final String TEXT_DELTA = ev(
            "content_block_delta",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}");
    private static final String STOP0 = ev("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    private static final String DELTA = ev(
            "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":5}}");
    private static final String MSG_STOP = ev("message_stop", "{\"type\":\"message_stop\"}");
    private static final String PING = ev("ping", "{\"type\":\"ping\"}");
    private static final String ERROR =
            ev("error", "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}");

    private static final String ROLE = data("{\"role\":\"assistant\",\"content\":\"\"}", null);
    private static final String CONTENT = data("{\"content\":\"hi\"}", null);
    private static final String CALL0 = data(
            "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}",
            null);
    private static final String ARGS0 =
            data("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", null);
    private static final String FINISH = data("{}", "\"stop\"");
    private static final String USAGE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";
    private static final String OPENAI_ERROR =
            "data: {\"error\":{\"message\":\"x\",\"type\":\"server_error\",\"code\":null}}\n\n";

    @Test
    void wellOrderedStreamsPass() {
        assertThatCode(() -> AnthropicStreamOrder.check(
                        List.of(START, PING, TEXT_START, TEXT_DELTA, STOP0, DELTA, MSG_STOP)))
                .doesNotThrowAnyException();
        assertThatCode(() -> AnthropicStreamOrder.checkFailed(START + TEXT_START + ERROR))
                .doesNotThrowAnyException();
        assertThatCode(() -> OpenAiStreamOrder.check(List.of(ROLE, CONTENT, CALL0, ARGS0, FINISH, USAGE, DONE)))
                .doesNotThrowAnyException();
        assertThatCode(() -> OpenAiStreamOrder.checkFailed(ROLE + CONTENT + OPENAI_ERROR))
                .doesNotThrowAnyException();
    }

    static List<Arguments> badAnthropic() {
        String toolNoId = ev(
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{}}}");
        String jsonInText = ev(
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}");
        String secondStart = TEXT_START.replace("\"index\":0", "\"index\":1");
        return List.of(
                Arguments.of("delta before message_start", List.of(TEXT_START, TEXT_DELTA), "out of order"),
                Arguments.of(
                        "second block opened while one is open",
                        List.of(START, TEXT_START, secondStart),
                        "second block"),
                Arguments.of("index skips", List.of(START, secondStart), "index 1, expected 0"),
                Arguments.of("tool_use without id", List.of(START, toolNoId), "without id or name"),
                Arguments.of(
                        "delta type not matching the block",
                        List.of(START, TEXT_START, jsonInText),
                        "input_json_delta in a text block"),
                Arguments.of("message_delta with a block open", List.of(START, TEXT_START, DELTA), "out of order"),
                Arguments.of(
                        "missing message_stop",
                        List.of(START, TEXT_START, STOP0, DELTA),
                        "does not end with message_stop"),
                Arguments.of("event after message_stop", List.of(START, DELTA, MSG_STOP, PING), "after message_stop"),
                Arguments.of("data not JSON", List.of(START, "event: ping\ndata: {tru\n\n"), "not JSON"),
                Arguments.of("frame without event line", List.of("data: {\"type\":\"ping\"}\n\n"), "no event: line"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnthropic")
    void anthropicValidatorRejects(String name, List<String> frames, String message) {
        assertThatThrownBy(() -> AnthropicStreamOrder.check(frames))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(message);
    }

    @Test
    void anthropicFailedStreamMustEndWithErrorAndNotWithMessageStop() {
        assertThatThrownBy(() -> AnthropicStreamOrder.checkFailed(START + DELTA + MSG_STOP))
                .hasMessageContaining("error event");
        assertThatThrownBy(() -> AnthropicStreamOrder.checkFailed(START + ERROR + MSG_STOP))
                .hasMessageContaining("after error");
    }

    static List<Arguments> badOpenAi() {
        String call1NoName = data(
                "{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"arguments\":\"\"}}]}",
                null);
        String args1 = data("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{}\"}}]}", null);
        String repeatsName =
                data("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", null);
        return List.of(
                Arguments.of("first delta without role", List.of(CONTENT, FINISH, DONE), "without role"),
                Arguments.of(
                        "tool call without name first", List.of(ROLE, CALL0, call1NoName), "does not start with id"),
                Arguments.of("arguments for a call never started", List.of(ROLE, args1), "index 1 out of order"),
                Arguments.of(
                        "continuation repeating the name", List.of(ROLE, CALL0, repeatsName), "repeats id or name"),
                Arguments.of(
                        "content after finish_reason", List.of(ROLE, FINISH, CONTENT, DONE), "after finish_reason"),
                Arguments.of(
                        "usage before finish_reason",
                        List.of(ROLE, USAGE, FINISH, DONE),
                        "usage chunk before finish_reason"),
                Arguments.of("missing [DONE]", List.of(ROLE, CONTENT, FINISH), "does not end with [DONE]"),
                Arguments.of("[DONE] without finish_reason", List.of(ROLE, CONTENT, DONE), "before any finish_reason"),
                Arguments.of("chunk after [DONE]", List.of(ROLE, FINISH, DONE, CONTENT), "after [DONE]"),
                Arguments.of("event line", List.of("event: x\n" + ROLE), "no event: lines"),
                Arguments.of("two ids", List.of(ROLE, CONTENT.replace("c1", "c2"), FINISH, DONE), "differs"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOpenAi")
    void openAiValidatorRejects(String name, List<String> frames, String message) {
        assertThatThrownBy(() -> OpenAiStreamOrder.check(frames))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(message);
    }

    @Test
    void openAiFailedStreamMustEndWithErrorAndNoDone() {
        assertThatThrownBy(() -> OpenAiStreamOrder.checkFailed(ROLE + FINISH + DONE))
                .hasMessageContaining("error chunk");
        assertThatThrownBy(() -> OpenAiStreamOrder.checkFailed(ROLE + OPENAI_ERROR + DONE))
                .hasMessageContaining("after error");
    }

    private static String ev(String event, String data) {
        return "event: " + event + "\ndata: " + data + "\n\n";
    }

    private static String data(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"finish_reason\":" + finish + "}]}\n\n";
    }
}
