package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Beyond the in-flight limit, requests are shed at once in the Anthropic dialect; health never is. */
@LeakChecked
class AdmissionShedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(200).deltaInterval(Duration.ofMillis(20)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE =
            SluiceExtension.against(FAKE, "admission.max-in-flight", "2", "admission.queue-size", "0");

    @Test
    void aRequestBeyondTheLimitIsShedWith529AndTheCause() throws Exception {
        try (SseStream a = holding(messageBody("m", true).replace("\"max_tokens\":64", "\"max_tokens\":200"));
                SseStream b = holding(messageBody("m", true))) {
            HttpResponse<String> shed =
                    Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("m", false), anthropicHeaders());
            JsonNode json = JSON.readTree(shed.body());

            assertThat(shed.statusCode()).isEqualTo(529);
            assertThat(json.path("error").path("type").asText()).isEqualTo("overloaded_error");
            assertThat(json.path("error").path("message").asText()).contains("in-flight 2/2");
            assertThat(shed.headers().firstValue("retry-after")).isPresent();
            assertThat(shed.headers().firstValue("connection").orElse(""))
                    .as("a small body is read before the shed, so the connection is kept")
                    .isNotEqualToIgnoringCase("close");
            assertThat(Http.get(SLUICE.baseUri(), "/health/ready").statusCode()).isEqualTo(200);
            assertThat(inFlight()).isEqualTo(2);
            a.disconnect();
            b.disconnect();
        }
        awaitIdle();
        HttpResponse<String> after =
                Http.post(SLUICE.baseUri(), "/v1/messages", messageBody("m", false), anthropicHeaders());
        assertThat(after.statusCode()).isEqualTo(200);
    }

    /**
     * At the limit with no queue, a request is shed before its body is read: a client uploading slowly gets its
     * 529 at once instead of after the upload, and the connection is closed after it (its body was never read).
     * Without the early shed the answer waits for the 64 KiB body, of which fewer than 100 bytes are ever sent.
     */
    @Test
    void aSlowUploadBeyondTheLimitIsShedBeforeItsBodyIsRead() throws Exception {
        try (SseStream a = holding(messageBody("m", true));
                SseStream b = holding(messageBody("m", true));
                java.net.Socket upload = new java.net.Socket()) {
            upload.connect(new java.net.InetSocketAddress(
                    java.net.InetAddress.getLoopbackAddress(), SLUICE.baseUri().getPort()));
            upload.setSoTimeout(5000);
            String head =
                    "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + SluiceExtension.CLIENT_KEY + "\r\n"
                            + "anthropic-version: 2023-06-01\r\ncontent-type: application/json\r\n"
                            + "content-length: 65536\r\n\r\n";
            var out = upload.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write("{\"model\":\"m\",\"max_tokens\":64,\"messages\":["
                    .repeat(2)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            long sent = System.nanoTime();

            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try {
                upload.getInputStream().transferTo(got);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("not closed within 5 s; received: " + got, e);
            }
            String answer = got.toString(java.nio.charset.StandardCharsets.UTF_8);
            long tookMs = (System.nanoTime() - sent) / 1_000_000;

            assertThat(answer).startsWith("HTTP/1.1 529");
            assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close", "retry-after: 1");
            assertThat(answer).contains("overloaded_error", "in-flight 2/2");
            assertThat(tookMs)
                    .as("answered without waiting for the body, then closed")
                    .isLessThan(4000);
            assertThat(inFlight()).isEqualTo(2);
            a.disconnect();
            b.disconnect();
        }
        awaitIdle();
    }

    /** A stream that holds one of the two permits until it is disconnected: its first event has come. */
    private static SseStream holding(String body) throws Exception {
        SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", new HashMap<>(UpstreamFailureOutcomesTest.headers()), body);
        assertThat(s.next(Duration.ofSeconds(5))).isPresent();
        return s;
    }

    private static long inFlight() throws Exception {
        return JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                .path("inFlight")
                .asLong();
    }

    private static void awaitIdle() {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> SLUICE.sluice().inFlight() == 0);
    }
}
