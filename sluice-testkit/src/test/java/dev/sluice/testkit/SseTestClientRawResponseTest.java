package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client against responses only a broken server sends, written byte for byte. */
@LeakChecked
class SseTestClientRawResponseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void bodyWithoutFramingIsReadUntilCloseAndNeverEndsCleanly() throws Exception {
        try (RawServer server = RawServer.answering(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + "data: a\n\ndata: b\n\n");
                SseStream stream = post(server)) {
            assertThat(stream.readAll(WAIT))
                    .containsExactly(new SseEvent("message", "a"), new SseEvent("message", "b"));
            assertThat(stream.endedCleanly()).isFalse();
            assertThat(stream.transportError()).isEmpty();
        }
    }

    @Test
    void chunkedBodyCutOffBeforeTheTerminalChunkDropsThePartialEventAndDoesNotEndCleanly() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunk("data: whole\n\ndata: part", ""));
                SseStream stream = post(server)) {
            assertThat(stream.readAll(WAIT)).containsExactly(new SseEvent("message", "whole"));
            assertThat(stream.endedCleanly()).isFalse();
        }
    }

    @Test
    void eventsSplitAcrossChunksWithExtensionsAndTrailersAreDecoded() throws Exception {
        String response = "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Trace: a\r\nx-trace: b\r\n\r\n"
                + chunk("event: ", ";name=value") + chunk("ping\ndata: {\"a\":", "") + chunk("1}\n\n", "")
                + "0\r\nX-Checksum: 1\r\n\r\n";
        try (RawServer server = RawServer.answering(response);
                SseStream stream = post(server)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.headers()).containsEntry("x-trace", "a, b");
            assertThat(stream.readAll(WAIT)).containsExactly(new SseEvent("ping", "{\"a\":1}"));
            assertThat(stream.endedCleanly()).isTrue();
        }
    }

    @Test
    void requestCarriesDefaultsGivenHeadersAndTheBody() throws Exception {
        try (RawServer server = RawServer.answering("HTTP/1.1 204 No Content\r\n\r\n");
                SseStream stream = SseTestClient.connect(server.baseUri())
                        .post("/v1/messages?beta=true", Map.of("X-Api-Key", "k1", "Accept", "*/*"), "{\"x\":\"é\"}")) {
            assertThat(stream.readAll(WAIT)).isEmpty();
            List<String> lines = server.request().lines().toList();
            assertThat(lines.get(0)).isEqualTo("POST /v1/messages?beta=true HTTP/1.1");
            assertThat(lines)
                    .contains(
                            "content-type: application/json",
                            "connection: close",
                            "content-length: 10",
                            "X-Api-Key: k1",
                            "Accept: */*");
            assertThat(lines).doesNotContain("accept: text/event-stream");
            assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"x\":\"é\"}");
        }
    }

    @Test
    void disconnectResetsTheConnectionWhileCloseEndsItNormally() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("data: one\n\n", "");
        try (RawServer resetServer = RawServer.answeringThenWatching(response);
                RawServer closeServer = RawServer.answeringThenWatching(response)) {
            SseStream dropped = post(resetServer);
            SseStream closed = post(closeServer);
            assertThat(dropped.next(WAIT)).isPresent();
            assertThat(closed.next(WAIT)).isPresent();

            dropped.disconnect();
            closed.close();

            assertThat(resetServer.awaitClientEnd()).startsWith("reset");
            assertThat(closeServer.awaitClientEnd()).isEqualTo("closed");
        }
    }

    private static String chunk(String data, String extension) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + extension + "\r\n" + data + "\r\n";
    }

    private static SseStream post(RawServer server) {
        return SseTestClient.connect(server.baseUri()).post("/v1/messages", Map.of(), "{}");
    }
}
