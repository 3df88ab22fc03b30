package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile input: each request shape limit answered 400 in the caller's dialect, hop-by-hop and client
 * credential headers never forwarded, image URLs passed on but never fetched by Sluice, and an
 * upstream redirect to another host not followed.
 */
@LeakChecked
class HostileInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "request.max-messages",
            "5",
            "request.max-tools",
            "2",
            "request.max-content-blocks",
            "8",
            "request.max-json-depth",
            "12",
            "request.max-output-tokens",
            "1000");

    static String messages(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("{\"role\":\"")
                    .append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":\"m")
                    .append(i)
                    .append("\"}");
        }
        return sb.append(']').toString();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "too many messages|{\"model\":\"m\",\"max_tokens\":10,\"messages\":MSGS6}|request.max-messages",
                "too many tools|{\"model\":\"m\",\"max_tokens\":10,\"messages\":MSGS1,\"tools\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}|request.max-tools",
                "too many blocks|{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[BLOCKS9]}]}|request.max-content-blocks",
                "too deep|{\"model\":\"m\",\"max_tokens\":10,\"messages\":MSGS1,\"metadata\":DEEP}|request.max-json-depth",
                "too many output tokens|{\"model\":\"m\",\"max_tokens\":5000,\"messages\":MSGS1}|request.max-output-tokens",
            })
    void eachShapeLimitIsA400InTheCallersDialect(String name, String template, String key) throws Exception {
        String block = "{\"type\":\"text\",\"text\":\"x\"}";
        String body = template.replace("MSGS6", messages(6))
                .replace("MSGS1", messages(1))
                .replace("BLOCKS9", String.join(",", java.util.Collections.nCopies(9, block)))
                .replace("DEEP", "[".repeat(20) + "]".repeat(20));
        HttpResponse<String> a = Http.post(SLUICE.baseUri(), "/v1/messages", body, anthropicHeaders());
        assertThat(a.statusCode()).as(a.body()).isEqualTo(400);
        assertThat(JSON.readTree(a.body()).path("error").path("message").asText())
                .contains(key);

        HttpResponse<String> o = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                body.replace("\"max_tokens\"", "\"max_completion_tokens\""),
                openAiHeaders());
        assertThat(o.statusCode()).isEqualTo(400);
        JsonNode e = JSON.readTree(o.body());
        assertThat(e.has("type")).isFalse();
        assertThat(e.path("error").path("message").asText()).contains(key);
    }

    @Test
    void hopByHopAndClientCredentialHeadersNeverReachTheUpstream() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                Http.messageBody("fake-model", false),
                anthropicHeaders(
                        "authorization",
                        "Bearer client-bearer-secret",
                        "proxy-authorization",
                        "Basic eA==",
                        "x-forwarded-for",
                        "10.0.0.1",
                        "cookie",
                        "session=abc",
                        "x-custom-header",
                        "v"));
        assertThat(r.statusCode()).isEqualTo(200);
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        Map<String, List<String>> h = seen.get(seen.size() - 1).headers();
        assertThat(h)
                .doesNotContainKeys(
                        "proxy-authorization",
                        "authorization",
                        "x-forwarded-for",
                        "cookie",
                        "x-custom-header",
                        "te",
                        "upgrade");
        assertThat(h.get("x-api-key")).containsExactly(SluiceExtension.UPSTREAM_KEY);
        assertThat(h.get("accept-encoding"))
                .as("Sluice relays bytes as sent and asks for no compression")
                .containsExactly("identity");
    }

    @Test
    void anImageUrlIsPassedToTheProviderAndNeverFetchedBySluice() throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer bait = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        bait.createContext("/", ex -> {
            fetched.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        bait.start();
        try {
            String url = "http://127.0.0.1:" + bait.getAddress().getPort() + "/cat.png";
            String body = "{\"model\":\"fake-model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":["
                    + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"" + url + "\"}},"
                    + "{\"type\":\"text\",\"text\":\"what is it\"}]}]}";
            assertThat(Http.post(SLUICE.baseUri(), "/v1/messages", body, anthropicHeaders())
                            .statusCode())
                    .isEqualTo(200);
            List<RecordedRequest> seen = FAKE.provider().recentRequests();
            assertThat(seen.get(seen.size() - 1).body()).contains(url);
            assertThat(fetched.get()).isZero();
        } finally {
            bait.stop(0);
        }
    }

    @Test
    void anUpstreamRedirectToAnotherHostIsNotFollowed() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", ex -> {
            elsewhere.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        other.start();
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders()
                    .add("location", "http://localhost:" + other.getAddress().getPort() + "/v1/messages");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        redirecting.start();
        Map<String, String> s = new HashMap<>(Map.of(
                "server.port",
                "0",
                "demo.mode",
                "off",
                "shutdown.pre-drain",
                "0s",
                "upstream.url",
                "http://127.0.0.1:" + redirecting.getAddress().getPort(),
                "upstream.api-key",
                "k"));
        try (Sluice sluice = Sluice.start(SluiceExtension.config(s))) {
            HttpResponse<String> r =
                    Http.post(sluice.baseUri(), "/v1/messages", Http.messageBody("m", false), anthropicHeaders());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("redirect");
            assertThat(elsewhere.get()).isZero();
        } finally {
            redirecting.stop(0);
            other.stop(0);
        }
    }
}
