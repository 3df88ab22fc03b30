package dev.sluice.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link UpstreamClient} puts on the wire besides the caller's headers: the Host of its base URL, and never a
 * cookie. One client serves every caller of an upstream, so a cookie that one answer set would otherwise ride on
 * the next caller's request.
 */
class UpstreamClientTest {

    private HttpServer server;
    private UpstreamClient client;
    private final ConcurrentLinkedQueue<Map<String, List<String>>> seen = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            exchange.getResponseHeaders().add("Set-Cookie", "session=caller-one; Path=/");
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        client = UpstreamClient.start(
                "client-test",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                4,
                16,
                Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private void call() throws Exception {
        try (UpstreamCall call = client.send(
                "POST",
                "/v1/messages",
                Map.of("content-type", List.of("application/json")),
                "{}".getBytes(StandardCharsets.UTF_8),
                new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)))) {
            assertThat(call.awaitHead(Duration.ofSeconds(5)).status()).isEqualTo(200);
            call.readBody(1024);
        }
    }

    @Test
    void aCookieAnUpstreamSetIsNeverSentOnTheNextRequest() throws Exception {
        call();
        call();
        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(headers -> assertThat(headers).doesNotContainKey("Cookie"));
    }

    @Test
    void theHostHeaderIsTheBaseUrlsHostAndPort() throws Exception {
        call();
        assertThat(seen.peek())
                .containsEntry(
                        "Host", List.of("127.0.0.1:" + server.getAddress().getPort()));
    }

    @Test
    void theHostHeaderLeavesOutTheSchemesDefaultPort() {
        assertThat(UpstreamClient.hostHeader(URI.create("https://api.anthropic.com")))
                .isEqualTo("api.anthropic.com");
        assertThat(UpstreamClient.hostHeader(URI.create("https://api.anthropic.com:443/v1")))
                .isEqualTo("api.anthropic.com");
        assertThat(UpstreamClient.hostHeader(URI.create("http://[::1]:8080"))).isEqualTo("[::1]:8080");
        assertThat(UpstreamClient.hostHeader(URI.create("http://localhost:80"))).isEqualTo("localhost");
        assertThat(UpstreamClient.hostHeader(URI.create("http://my_vllm:8000/v1")))
                .isEqualTo("my_vllm:8000");
    }
}
