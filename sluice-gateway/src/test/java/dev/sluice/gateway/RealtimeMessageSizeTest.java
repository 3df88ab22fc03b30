package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client message over a small {@code realtime.max-message-size}, sent as one frame or as fragments that only
 * add up past it: the session is closed 1009, the upstream session too, and its permit, key slot and line in
 * {@code /system/resources} are gone; a message under the bound on the next session is relayed.
 */
@LeakChecked
class RealtimeMessageSizeTest {

    static final int MAX = 4096;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(4).deltaInterval(Duration.ofMillis(2)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime",
            "realtime.max-message-size",
            "4KiB");

    @AfterEach
    void bothSidesClosed() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
        });
    }

    static JsonNode stats() throws Exception {
        return RealtimeWs.JSON
                .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                .path("realtime");
    }

    static List<String> sessionLines() throws Exception {
        JsonNode r = RealtimeWs.JSON.readTree(
                Http.get(SLUICE.baseUri(), "/system/resources").body());
        List<String> lines = new ArrayList<>();
        for (JsonNode n : r.path("resources")) {
            if (n.path("kind").asText().equals("realtime-session")) {
                lines.add(n.path("name").asText());
            }
        }
        return lines;
    }

    /** A session.update whose instructions make the message {@code size} characters long. */
    static String sessionUpdate(int size) {
        String head = "{\"type\":\"session.update\",\"session\":{\"instructions\":\"";
        String tail = "\"}}";
        return head + "x".repeat(size - head.length() - tail.length()) + tail;
    }

    /** Nothing of the session left; {@code closes1009} (when not negative): Sluice's count of 1009 closes. */
    private void assertReleased(long closes1009) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode s = stats();
            assertThat(s.path("open").asInt()).isZero();
            assertThat(s.path("permitsInUse").asInt()).isZero();
            assertThat(s.path("keys").asInt()).isZero();
            if (closes1009 >= 0) {
                assertThat(s.path("closes").path("1009").asLong()).isEqualTo(closes1009);
            }
            assertThat(sessionLines()).isEmpty();
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
        });
    }

    private RealtimeWs openWithSessionShown() throws Exception {
        RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, "gpt-realtime");
        ws.next("session.created");
        assertThat(sessionLines()).hasSize(1);
        assertThat(stats().path("permitsInUse").asInt()).isEqualTo(1);
        return ws;
    }

    /**
     * One frame over the bound is refused by Helidon's own frame limit (set from the same setting): the client
     * gets 1009 from it, and Sluice's session ends with the connection (recorded as 1006, not 1009).
     */
    @Test
    void oneFrameOverTheBoundClosesTheSession1009AndReleasesIt() throws Exception {
        try (RealtimeWs ws = openWithSessionShown()) {
            var unused = ws.socket.sendText(sessionUpdate(MAX + 1), true); // may fail: the server closes
            RealtimeWs.Closed closed = ws.awaitClosed(Duration.ofSeconds(5));
            assertThat(closed.code()).isEqualTo(1009);
            assertThat(ws.events).noneMatch(e -> e.path("type").asText().equals("session.updated"));
        }
        assertReleased(-1);
    }

    @Test
    void fragmentsThatAddUpPastTheBoundCloseTheSession1009AndReleaseIt() throws Exception {
        long before = stats().path("closes").path("1009").asLong();
        String message = sessionUpdate(MAX + 1000);
        try (RealtimeWs ws = openWithSessionShown()) {
            int half = message.length() / 2; // each fragment is under the bound, the message is not
            RealtimeWs.join(ws.socket.sendText(message.substring(0, half), false));
            var unused = ws.socket.sendText(message.substring(half), true);
            RealtimeWs.Closed closed = ws.awaitClosed(Duration.ofSeconds(5));
            assertThat(closed.code()).isEqualTo(1009);
            assertThat(closed.reason()).contains("realtime.max-message-size");
            assertThat(ws.events).noneMatch(e -> e.path("type").asText().equals("session.updated"));
        }
        assertReleased(before + 1);
    }

    @Test
    void aMessageUnderTheBoundIsRelayed() throws Exception {
        try (RealtimeWs ws = openWithSessionShown()) {
            ws.send(sessionUpdate(MAX / 2)); // the fake echoes the session: its answer must fit too
            assertThat(ws.next("session.updated").path("type").asText()).isEqualTo("session.updated");
            assertThat(ws.closed).isNotDone();
        }
    }
}
