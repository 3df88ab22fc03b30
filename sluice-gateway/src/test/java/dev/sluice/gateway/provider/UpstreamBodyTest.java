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
 * and one larger than the limit, each read whole or cut at the limit, whatever its size against the first buffer;
 * and {@link UpstreamCall#source()}'s timed reads: nothing yet, the bytes as they come, the end, and a body that
 * breaks off or a call closed mid-body failing the read rather than ending it.
 */
class UpstreamBodyTest {

    private static HttpServer server;
    /** Bodies the /cut handler has broken off: it counts one just before it dies. */
    private static final java.util.concurrent.atomic.AtomicInteger CUTS_SENT =
            new java.util.concurrent.atomic.AtomicInteger();

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
        server.createContext(
                "/slow",
                exchange -> { // "abc", a pause, then "def"
                    exchange.sendResponseHeaders(200, 0);
                    try (var out = exchange.getResponseBody()) {
                        out.write("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(800);
                        out.write("def".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        server.createContext(
                "/cut",
                exchange -> { // a chunked body that breaks off: no last chunk
                    exchange.sendResponseHeaders(200, 0);
                    var out = exchange.getResponseBody();
                    out.write("partial".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    out.flush();
                    CUTS_SENT.incrementAndGet();
                    throw new IllegalStateException("the upstream dies mid-body");
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

    private static UpstreamCall get(String path) throws Exception {
        UpstreamCall call = client.send(
                "GET",
                path,
                Map.of("accept", List.of("*/*")),
                new byte[0],
                new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(call.awaitHead(Duration.ofSeconds(5)).status()).isEqualTo(200);
        return call;
    }

    /** Reads until {@code want} bytes came or the source ended; each read waits at most {@code waitMillis}. */
    private static String readUpTo(ByteSource in, int want, long waitMillis) throws Exception {
        byte[] b = new byte[64];
        int n = 0;
        while (n < want) {
            int r = in.read(b, n, b.length - n, Duration.ofMillis(waitMillis).toNanos());
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @org.junit.jupiter.api.Test
    void aTimedReadSaysNothingArrivedYetThenGivesTheBytesAsTheyCome() throws Exception {
        try (UpstreamCall call = get("/slow")) {
            ByteSource in = call.source();
            assertThat(readUpTo(in, 3, 2000)).isEqualTo("abc");
            assertThat(in.read(new byte[8], 0, 8, Duration.ofMillis(100).toNanos()))
                    .as("nothing within 100 ms: 0, not the end")
                    .isZero();
            assertThat(readUpTo(in, 3, 3000)).isEqualTo("def");
            assertThat(in.read(new byte[8], 0, 8, Duration.ofSeconds(3).toNanos()))
                    .as("then the end")
                    .isEqualTo(-1);
        }
    }

    @org.junit.jupiter.api.Test
    void aBodyThatBreaksOffFailsTheReadInsteadOfEnding() throws Exception {
        try (UpstreamCall call = get("/cut")) {
            ByteSource in = call.source();
            assertThat(readUpTo(in, 7, 2000)).isEqualTo("partial");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                        while (in.read(new byte[8], 0, 8, Duration.ofSeconds(3).toNanos()) >= 0) {
                            // a truncated body must never read as a clean end
                        }
                    })
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @org.junit.jupiter.api.Test
    void whatArrivedBeforeABreakIsReadBeforeTheFailure() throws Exception {
        int cutsBefore = CUTS_SENT.get();
        try (UpstreamCall call = get("/cut")) {
            ByteSource in = call.source();
            org.awaitility.Awaitility.await() // the upstream has sent its bytes and broken off before the first read
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> CUTS_SENT.get() > cutsBefore);
            assertThat(readUpTo(in, 7, 2000)).as("the bytes before the break").isEqualTo("partial");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> in.read(new byte[8], 0, 8, -1))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @org.junit.jupiter.api.Test
    void aWakeEndsAWaitingTimedReadWithNothing() throws Exception {
        try (UpstreamCall call = get("/slow")) { // "abc", 800 ms of nothing, "def"
            ByteSource in = call.source();
            assertThat(readUpTo(in, 3, 2000)).isEqualTo("abc");
            java.util.concurrent.atomic.AtomicLong waitedMs = new java.util.concurrent.atomic.AtomicLong(-1);
            java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger(-2);
            Thread reader = Thread.ofVirtual().start(() -> {
                long t0 = System.nanoTime();
                try {
                    read.set(in.read(new byte[8], 0, 8, Duration.ofSeconds(10).toNanos()));
                } catch (java.io.IOException e) {
                    read.set(-3);
                }
                waitedMs.set((System.nanoTime() - t0) / 1_000_000);
            });
            org.awaitility.Awaitility.await() // the read is waiting for the body's next bytes
                    .atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> reader.getState() == Thread.State.TIMED_WAITING);
            call.wake();
            reader.join(Duration.ofSeconds(5));
            int n = read.get();
            assertThat(n).as("woken: nothing yet, not the end").isZero();
            assertThat(waitedMs.get())
                    .as("woken long before the 800 ms pause ends")
                    .isBetween(0L, 600L);
            assertThat(readUpTo(in, 3, 3000))
                    .as("the body goes on after the wake")
                    .isEqualTo("def");
        }
    }

    @org.junit.jupiter.api.Test
    void aReadAfterTheCallWasClosedFailsInsteadOfEnding() throws Exception {
        UpstreamCall call = get("/slow");
        ByteSource in = call.source();
        assertThat(readUpTo(in, 3, 2000)).isEqualTo("abc");
        call.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> in.read(new byte[8], 0, 8, -1))
                .isInstanceOf(java.io.IOException.class);
    }

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
