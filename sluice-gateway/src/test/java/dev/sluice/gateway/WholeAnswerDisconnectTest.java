package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client that leaves a whole (non-streaming) answer cancels its upstream call at once: the
 * {@code ClientGoneWatch} notices the FIN or RST while the fake provider is still holding the
 * headers back ({@code fault-slow-headers}, 30 s), Sluice aborts the upstream exchange, releases its
 * permit and scope, and records the request as CANCELLED. Keep-alive and pipelined connections still
 * get every answer.
 */
@LeakChecked
class WholeAnswerDisconnectTest {

    /**
     * From the client's close to: the fake saw its exchange aborted, Sluice has nothing in flight and
     * no live scope. Measured on the 2-core box over 4 runs: Sluice's side (in flight 0, scopes 0)
     * 0.7-14 ms; the fake notices a closed connection only on its next probe ({@code Exchange.POLL},
     * 50 ms), so the whole figure was 2-60 ms. 100 ms held in every run.
     */
    static final Duration CANCEL_BOUND = Duration.ofMillis(100);

    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    private static final ConcurrentLinkedQueue<String> ACCESS_LINES = ACCESS_TAP.lines;
    private static final AtomicInteger IDS = new AtomicInteger();
    /** Cancel latencies measured by the tests, printed after the class. */
    private static final Map<String, String> MEASURED_MICROS = new LinkedHashMap<>();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "routes.a-slow.targets",
            "ant:fault-slow-headers",
            "routes.o-slow.targets",
            "oai:fault-slow-headers",
            "routes.a-fast.targets",
            "ant:fake-model",
            "routes.o-fast.targets",
            "oai:fake-model",
            "upstream.max-connections",
            "256",
            "admission.max-in-flight",
            "512");

    @BeforeAll
    static void tap() {
        ACCESS.addHandler(ACCESS_TAP);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
        System.out.println(
                "WholeAnswerDisconnectTest cancel latencies, sluice side/fake side (us): " + MEASURED_MICROS);
    }

    /** A client route and the model whose route sends it to an upstream of the given kind. */
    enum Call {
        MESSAGES_TO_ANTHROPIC("/v1/messages", "a-slow", true),
        MESSAGES_TO_OPENAI("/v1/messages", "o-slow", true),
        CHAT_TO_OPENAI("/v1/chat/completions", "o-slow", false),
        CHAT_TO_ANTHROPIC("/v1/chat/completions", "a-slow", false),
        COUNT_TOKENS_TO_ANTHROPIC("/v1/messages/count_tokens", "a-slow", true);

        final String path;
        final String model;
        final boolean anthropicClient;

        Call(String path, String model, boolean anthropicClient) {
            this.path = path;
            this.model = model;
            this.anthropicClient = anthropicClient;
        }

        boolean generation() {
            return this != COUNT_TOKENS_TO_ANTHROPIC;
        }

        String body(String model) {
            return this == COUNT_TOKENS_TO_ANTHROPIC
                    ? "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                    : anthropicClient ? Http.messageBody(model, false) : Http.chatBody(model, false);
        }
    }

    static Stream<Arguments> callsAndCloses() {
        return Stream.of(Call.values()).flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    @ParameterizedTest(name = "{0}, reset={1}")
    @MethodSource("callsAndCloses")
    void aClientLeavingAWholeAnswerCancelsItsUpstreamAtOnce(Call call, boolean reset) throws Exception {
        awaitIdle();
        long started = FAKE.provider().exchangesStarted();
        long aborted = FAKE.provider().exchangesAborted();
        double cancelledBefore = cancelledInMetrics();
        String id = "wad-" + IDS.incrementAndGet();
        Socket socket = open();
        socket.getOutputStream().write(request(call.path, call.body(call.model), call.anthropicClient, id, false));
        socket.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(2))
                .until(() -> FAKE.provider().exchangesStarted() - started == 1
                        && FAKE.provider().activeExchanges() == 1);
        assertThat(SLUICE.sluice().inFlight()).isEqualTo(1);

        long t0 = System.nanoTime();
        close(socket, reset);
        long sluiceMicros = measure(
                t0, () -> SLUICE.sluice().inFlight() == 0 && SLUICE.sluice().liveScopes() == 0, Duration.ofSeconds(5));
        long micros = measure(
                t0,
                () -> FAKE.provider().exchangesAborted() - aborted == 1
                        && FAKE.provider().activeExchanges() == 0
                        && SLUICE.sluice().inFlight() == 0
                        && SLUICE.sluice().liveScopes() == 0,
                Duration.ofSeconds(5));
        MEASURED_MICROS.put(call + (reset ? "/rst" : "/fin"), sluiceMicros + "/" + micros);

        assertThat(Duration.ofNanos(micros * 1000))
                .as("close -> upstream aborted, in-flight 0, scopes 0 (%d us)", micros)
                .isLessThanOrEqualTo(CANCEL_BOUND);
        assertThat(FAKE.provider().exchangesAborted() - aborted)
                .as("the fake saw its request aborted")
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(accessLine(id))
                        .as("access log line of %s", id)
                        .isNotNull()
                        .contains("outcome=CANCELLED"));
        if (call.generation()) { // count_tokens is not a generation: it has no usage record and no request metric
            await().atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertThat(cancelledInMetrics() - cancelledBefore)
                            .as("cancelled requests in /metrics")
                            .isEqualTo(1));
        }
    }

    @Test
    void twoHundredClientsLeavingAtOnceAbortEveryUpstreamRequest() throws Exception {
        int clients = 200;
        awaitIdle();
        long started = FAKE.provider().exchangesStarted();
        long aborted = FAKE.provider().exchangesAborted();
        List<Socket> sockets = new ArrayList<>();
        long closing;
        try {
            for (int i = 0; i < clients; i++) {
                Call call = Call.values()[i % Call.values().length];
                Socket s = open();
                sockets.add(s);
                s.getOutputStream()
                        .write(request(call.path, call.body(call.model), call.anthropicClient, "wad-many-" + i, false));
                s.getOutputStream().flush();
            }
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> {
                        assertThat(FAKE.provider().exchangesStarted() - started).isEqualTo(clients);
                        assertThat(FAKE.provider().activeExchanges()).isEqualTo(clients);
                    });
            assertThat(SLUICE.sluice().inFlight()).isEqualTo(clients);
        } finally {
            closing = System.nanoTime();
            for (Socket s : sockets) {
                s.close();
            }
        }
        long t0 = closing;
        long sluiceMicros = measure(
                t0, () -> SLUICE.sluice().inFlight() == 0 && SLUICE.sluice().liveScopes() == 0, Duration.ofSeconds(10));
        long micros = measure(
                t0,
                () -> FAKE.provider().exchangesAborted() - aborted == clients
                        && FAKE.provider().activeExchanges() == 0
                        && SLUICE.sluice().inFlight() == 0
                        && SLUICE.sluice().liveScopes() == 0,
                Duration.ofSeconds(10));
        MEASURED_MICROS.put("200 at once", sluiceMicros + "/" + micros);
        assertThat(Duration.ofNanos(micros * 1000)).as("%d us", micros).isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(FAKE.provider().exchangesAborted() - aborted).isEqualTo(clients);
    }

    @Test
    void aKeepAliveConnectionGetsASecondWholeAnswerAfterTheFirst() throws Exception {
        awaitIdle();
        try (Socket socket = open()) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (Call call : List.of(
                    Call.MESSAGES_TO_ANTHROPIC,
                    Call.CHAT_TO_ANTHROPIC,
                    Call.MESSAGES_TO_OPENAI,
                    Call.COUNT_TOKENS_TO_ANTHROPIC)) {
                String model = call.model.replace("-slow", "-fast");
                socket.getOutputStream()
                        .write(request(
                                call.path,
                                call.body(model),
                                call.anthropicClient,
                                "wad-keep-" + IDS.incrementAndGet(),
                                false));
                socket.getOutputStream().flush();
                Response r = Response.read(in);
                assertThat(r.status).as("%s on the same connection", call).isEqualTo(200);
                assertThat(r.body).as("%s", call).contains(call.generation() ? "fake" : "input_tokens");
            }
        }
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(SLUICE.sluice().inFlight()).isZero());
    }

    @Test
    void twoPipelinedRequestsAreBothAnswered() throws Exception {
        awaitIdle();
        try (Socket socket = open()) {
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(request("/v1/messages", Call.MESSAGES_TO_ANTHROPIC.body("a-fast"), true, "wad-pipe-1", false));
            both.write(request("/v1/chat/completions", Call.CHAT_TO_OPENAI.body("o-fast"), false, "wad-pipe-2", false));
            socket.getOutputStream().write(both.toByteArray()); // back to back, in one write
            socket.getOutputStream().flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Response first = Response.read(in);
            Response second = Response.read(in);
            assertThat(first.status).isEqualTo(200);
            assertThat(first.headers.get("x-request-id")).isEqualTo("wad-pipe-1");
            assertThat(first.body).contains("\"type\":\"message\"");
            assertThat(second.status).isEqualTo(200);
            assertThat(second.headers.get("x-request-id")).isEqualTo("wad-pipe-2");
            assertThat(second.body).contains("chat.completion");
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(accessLine("wad-pipe-1")).isNotNull().contains("outcome=SUCCESS");
            assertThat(accessLine("wad-pipe-2")).isNotNull().contains("outcome=SUCCESS");
        });
    }

    /**
     * A client that sends its request and closes at once (FIN): usually its first attempt is aborted,
     * and when the watch sees the close before the first attempt starts, the attempt the plan handed
     * out must still give back its target's in-flight slot and breaker permission (the leak check
     * after the test counts routing targets' in flight). That second case is a race the test cannot
     * force; it was seen on the first request after startup.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Call.class)
    void aClientClosingRightAfterItsRequestLeavesNothingBehind(Call call) throws Exception {
        awaitIdle();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "wad-early-" + IDS.incrementAndGet();
            ids.add(id);
            try (Socket socket = open()) {
                socket.getOutputStream()
                        .write(request(call.path, call.body(call.model), call.anthropicClient, id, false));
                socket.getOutputStream().flush();
                socket.shutdownOutput(); // FIN right behind the request
            }
        }
        // the watch starts 25 ms after admission (an answer faster than that never pays for it): a client
        // that left before is seen gone the moment it starts
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ids)
                        .allSatisfy(id -> assertThat(accessLine(id))
                                .as("access log line of %s", id)
                                .isNotNull()
                                .contains("outcome=CANCELLED")));
        awaitIdle();
    }

    /** Polls {@code done} about every 0.1 ms; returns the microseconds since {@code t0}, failing past {@code limit}. */
    private static long measure(long t0, BooleanSupplier done, Duration limit) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - t0 > limit.toNanos()) {
                throw new AssertionError("not done within " + limit + ": fake aborted="
                        + FAKE.provider().exchangesAborted()
                        + " active=" + FAKE.provider().activeExchanges() + ", sluice in flight="
                        + SLUICE.sluice().inFlight() + " scopes="
                        + SLUICE.sluice().liveScopes());
            }
            LockSupport.parkNanos(100_000);
        }
        return (System.nanoTime() - t0) / 1000;
    }

    private static void awaitIdle() {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> FAKE.provider().activeExchanges() == 0
                        && SLUICE.sluice().inFlight() == 0
                        && SLUICE.sluice().liveScopes() == 0);
    }

    private static Socket open() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", SLUICE.baseUri().getPort()), 5000);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** FIN (a plain close) or RST (SO_LINGER 0, then close). */
    private static void close(Socket s, boolean reset) throws IOException {
        if (reset) {
            s.setSoLinger(true, 0);
        }
        s.close();
    }

    private static byte[] request(String path, String body, boolean anthropic, String id, boolean close) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n")
                .append("host: 127.0.0.1:")
                .append(SLUICE.baseUri().getPort())
                .append("\r\n")
                .append("content-type: application/json\r\n")
                .append("content-length: ")
                .append(bytes.length)
                .append("\r\n")
                .append("x-request-id: ")
                .append(id)
                .append("\r\n");
        if (anthropic) {
            head.append("x-api-key: ")
                    .append(SluiceExtension.CLIENT_KEY)
                    .append("\r\nanthropic-version: 2023-06-01\r\n");
        } else {
            head.append("authorization: Bearer ")
                    .append(SluiceExtension.CLIENT_KEY)
                    .append("\r\n");
        }
        if (close) {
            head.append("connection: close\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    private static String accessLine(String id) {
        return ACCESS_LINES.stream()
                .filter(l -> l.contains("id=" + id + " "))
                .findFirst()
                .orElse(null);
    }

    /** The sum of the {@code sluice_request_duration_seconds_count} series tagged outcome="cancelled". */
    private static double cancelledInMetrics() throws Exception {
        String text = Http.get(SLUICE.baseUri(), "/metrics").body();
        return text.lines()
                .filter(l ->
                        l.startsWith("sluice_request_duration_seconds_count{") && l.contains("outcome=\"cancelled\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** One HTTP/1.1 response read off a raw socket: content-length or chunked. */
    private record Response(int status, Map<String, String> headers, String body) {

        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.put(
                        l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        l.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.containsKey("content-length")) {
                body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    body.writeBytes(in.readNBytes(size));
                    line(in);
                }
                line(in);
            } else {
                throw new AssertionError("response without a length: " + statusLine + " " + headers);
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed mid-response after '" + b + "'");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }
}
