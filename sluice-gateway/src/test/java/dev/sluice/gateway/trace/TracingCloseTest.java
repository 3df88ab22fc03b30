package dev.sluice.gateway.trace;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.gateway.config.SluiceConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing tracing stops its export, also when the collector keeps refusing and the exporter would retry. */
class TracingCloseTest {

    @Test
    void noExportRetryOutlivesTheClose() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger posts = new AtomicInteger();
        collector.createContext("/v1/traces", x -> {
            posts.incrementAndGet();
            x.getRequestBody().readAllBytes();
            x.sendResponseHeaders(503, -1); // retryable: the exporter backs off and tries again
            x.close();
        });
        collector.start();
        try {
            Tracing tracing = Tracing.start(
                    new SluiceConfig.Tracing(
                            "http://127.0.0.1:" + collector.getAddress().getPort(), Duration.ofMillis(50)),
                    Map.of(),
                    Duration.ofMillis(300));
            tracing.request("GET", "/health", name -> null).end(completionOf());
            await().atMost(Duration.ofSeconds(5)).until(() -> posts.get() > 0); // an export is being retried

            tracing.close();
            int atClose = posts.get();

            // the exporter's first retries come 1 s and about 2.5 s after its first try: none may come now
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> posts.get() <= atClose + 1);
        } finally {
            collector.stop(0);
        }
    }

    private static dev.sluice.gateway.exchange.Completion completionOf() {
        return new dev.sluice.gateway.exchange.Completion(
                "req",
                "/health",
                "GET",
                dev.sluice.gateway.translate.Dialect.OPENAI,
                false,
                "",
                false,
                200,
                dev.sluice.core.Outcome.SUCCESS,
                java.util.List.of(),
                "",
                "",
                dev.sluice.gateway.translate.Usage.NONE,
                false,
                null,
                null,
                0,
                0,
                1,
                0);
    }
}
