package dev.sluice.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link UpstreamCall#readBody} over a real Jetty exchange: a body with a Content-Length, one without (chunked),
 * and one larger than the limit, each read whole or cut at the limit, whatever its size against the first buffer.
 */
class UpstreamBodyTest {

    private static HttpServer server;
    private static UpstreamClient client;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String[] q = exchange.getRequestURI().getQuery().split("&");
            int size = Integer.parseInt(q[0].substring("size=".length()));
            boolean chunked = q[1].equals("chunked=true");
            byte[] body = body(size);
            exchange.sendResponseHeaders(200, chunked ? 0 : (size == 0 ? -1 : size));
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < body.length; i += 700) { // several writes: several reads on our side
                    out.write(body, i, Math.min(700, body.length - i));
                    out.flush();
                }
            }
        });
        server.start();
        client = UpstreamClient.start(
                "body-test",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                4,
                16,
                Duration.ofSeconds(2));
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(0);
    }

    @ParameterizedTest
    @CsvSource({
        "0, false, 100",
        "200, false, 100000",
        "200, true, 100000",
        "1024, true, 100000",
        "1025, true, 100000",
        "5000, false, 100000",
        "70000, true, 100000",
        "1572864, false, 2000000",
        "1572864, false, 1500000",
        "5000, false, 3000",
        "5000, true, 3000",
        "3000, true, 3000"
    })
    void readsTheWholeBodyOrTheLimit(int size, boolean chunked, int limit) throws Exception {
        try (UpstreamCall call = client.send(
                "GET",
                "/?size=" + size + "&chunked=" + chunked,
                Map.of("accept", List.of("*/*")),
                new byte[0],
                new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10)))) {
            assertThat(call.awaitHead(Duration.ofSeconds(5)).status()).isEqualTo(200);
            byte[] read = call.readBody(limit);
            byte[] expected = body(Math.min(size, limit));
            assertThat(read).hasSize(expected.length).isEqualTo(expected);
        }
    }

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
