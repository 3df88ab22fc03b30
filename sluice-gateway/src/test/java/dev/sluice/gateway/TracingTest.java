package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.OtlpReceiver.attribute;
import static dev.sluice.gateway.OtlpReceiver.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.gateway.logging.JsonLogFormatter;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenTelemetry traces end to end: a streamed request whose first attempt fails once is one server span, continuing
 * the caller's traceparent, over two client spans (the retry visible) with the GenAI attributes, sent to a loopback
 * OTLP/HTTP receiver; the traceparent goes upstream and the trace id into the access log. With the collector's
 * port closed, the answers are the same and nothing leaks.
 */
@LeakChecked
class TracingTest {

    private static final Logger ACCESS = Logger.getLogger("sluice.access");
    private static final AccessLogTap ACCESS_TAP = new AccessLogTap();
    /** The access log's lines as {@code log.json} writes them. */
    private static final JsonTap ACCESS_JSON = new JsonTap();

    private static final OtlpReceiver RECEIVER = OtlpReceiver.start();
    private static final int CLOSED_PORT = closedPort();

    /** Accepts connections and never answers; closed after every Sluice, so their shutdowns meet it too. */
    private static final StallingReceiver STALLING = StallingReceiver.start();

    @RegisterExtension
    @Order(0)
    static final AfterAllCallback CLOSE_STALLING = c -> STALLING.close();

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = sluice(
            RECEIVER.url(),
            "routes.flaky.targets",
            "ant:fault-server-error-times-1,ant:fake-model",
            "routes.fallback.targets",
            "ant:fault-server-error,oai:fake-model",
            "routes.flaky-openai.targets",
            "oai:fault-server-error-times-1-case-3,ant:fake-model",
            "routes.gpt-realtime.targets",
            "oai:gpt-realtime");

    @RegisterExtension
    @Order(3)
    static final SluiceExtension SLUICE_NO_COLLECTOR = sluice(
            "http://127.0.0.1:" + CLOSED_PORT,
            "routes.flaky-down.targets",
            "ant:fault-server-error-times-1-case-2,ant:fake-model");

    @RegisterExtension
    @Order(4)
    static final SluiceExtension SLUICE_STALLED_COLLECTOR = sluice(
            STALLING.url(),
            "routes.stalled.targets",
            "ant:fault-server-error-times-1-case-4,ant:fake-model",
            "shutdown.step-timeout",
            "2s");

    /** One permit: a request queued behind a slow one shows its wait on its server span. */
    @RegisterExtension
    @Order(5)
    static final SluiceExtension SLUICE_ONE_PERMIT = sluice(
            RECEIVER.url(),
            "routes.held.targets",
            "ant:fault-slow-headers-after-1500",
            "routes.queued.targets",
            "ant:fake-model",
            "admission.max-in-flight",
            "1",
            "admission.queue-timeout",
            "10s");

    private static SluiceExtension sluice(String collector, String... routes) {
        String[] base = {
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "routing.breaker.min-calls",
            "1000",
            "routing.retry-floor",
            "100",
            "tracing.endpoint",
            collector,
            "tracing.export-interval",
            "100ms"
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + routes.length);
        System.arraycopy(routes, 0, all, base.length, routes.length);
        return SluiceExtension.against(FAKE, all);
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void tap() {
        ACCESS.addHandler(ACCESS_TAP);
        ACCESS.addHandler(ACCESS_JSON);
    }

    @AfterAll
    static void untap() {
        ACCESS.removeHandler(ACCESS_TAP);
        ACCESS.removeHandler(ACCESS_JSON);
        RECEIVER.close();
    }

    @Test
    void aStreamedRequestWithOneRetryIsAServerSpanOverTwoClientSpansContinuingTheCallersTrace() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        int before = FAKE.provider().recentRequests().size();

        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                Http.messageBody("flaky", true),
                anthropicHeaders(
                        "traceparent", "00-" + traceId + "-" + callerSpan + "-01", "x-request-id", "req-traced"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("message_stop");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> RECEIVER.trace(traceId).size() >= 3);
        List<Span> spans = RECEIVER.trace(traceId);
        assertThat(spans).hasSize(3);
        Span server = spans.stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst()
                .orElseThrow();
        List<Span> clients = spans.stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano))
                .toList();
        assertThat(clients).hasSize(2);
        assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo(callerSpan);
        assertThat(server.getName()).isEqualTo("POST /v1/messages");
        assertThat(attribute(server, "http.response.status_code")).contains("200");
        assertThat(attribute(server, "sluice.route")).contains("flaky");
        assertThat(attribute(server, "sluice.outcome")).contains("SUCCESS");
        assertThat(attribute(server, "sluice.targets"))
                .contains("ant/fault-server-error-times-1,ant/fault-server-error-times-1");
        for (Span client : clients) {
            assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(client.getName()).isEqualTo("chat fault-server-error-times-1");
            assertThat(attribute(client, "gen_ai.operation.name")).contains("chat");
            assertThat(attribute(client, "gen_ai.provider.name")).contains("anthropic");
            assertThat(attribute(client, "gen_ai.request.model")).contains("fault-server-error-times-1");
            assertThat(attribute(client, "server.address")).contains("127.0.0.1");
            assertThat(attribute(client, "sluice.route")).contains("flaky");
            assertThat(attribute(client, "sluice.target")).contains("ant/fault-server-error-times-1");
        }
        assertThat(attribute(clients.get(0), "sluice.outcome")).contains("SERVER_ERROR");
        assertThat(attribute(clients.get(0), "gen_ai.usage.output_tokens")).isEmpty();
        assertThat(attribute(clients.get(1), "sluice.outcome")).contains("SUCCESS");
        assertThat(attribute(clients.get(1), "gen_ai.response.model")).contains("fault-server-error-times-1");
        assertThat(attribute(clients.get(1), "gen_ai.usage.input_tokens")).isPresent();
        assertThat(attribute(clients.get(1), "gen_ai.usage.output_tokens"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        // each upstream request carried the traceparent of its own attempt's span
        List<RecordedRequest> upstream = FAKE.provider().recentRequests().subList(before, before + 2);
        for (int i = 0; i < 2; i++) {
            assertThat(upstream.get(i).header("traceparent"))
                    .contains("00-" + traceId + "-"
                            + hex(clients.get(i).getSpanId().toByteArray()) + "-01");
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ACCESS_TAP.lines)
                        .filteredOn(l -> l.contains("req-traced"))
                        .singleElement()
                        .asString()
                        .contains(" trace_id=" + traceId + " "));
        // and the JSON line of the access log names the request and the trace of its server span
        String serverTrace = hex(server.getTraceId().toByteArray());
        assertThat(serverTrace).isEqualTo(traceId);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(ACCESS_JSON.lines.stream()
                                .map(TracingTest::json)
                                .filter(j -> j.path("request_id").asText().equals("req-traced"))
                                .map(j -> j.path("trace_id").asText())
                                .toList())
                        .containsExactly(serverTrace));
        // the export counts in /system/stats: this Sluice's spans reached the receiver, none dropped
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var tracing = stats(SLUICE).path("tracing");
            assertThat(tracing.path("enabled").asBoolean()).isTrue();
            assertThat(tracing.path("exported").asLong()).isGreaterThanOrEqualTo(3);
            assertThat(tracing.path("dropped").asLong()).isZero();
            assertThat(tracing.path("exportFailed").asLong()).isZero();
        });
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Formats every record with {@link JsonLogFormatter}, on the thread that publishes it. */
    private static final class JsonTap extends Handler {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        JsonTap() {
            setFormatter(new JsonLogFormatter());
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(getFormatter().format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    @Test
    void withTheCollectorDownTheAnswerIsTheSame() throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE_NO_COLLECTOR.baseUri(),
                "/v1/messages",
                Http.messageBody("flaky-down", true),
                anthropicHeaders("x-request-id", "req-untraced"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("message_stop");
        HttpResponse<String> whole = Http.post(
                SLUICE_NO_COLLECTOR.baseUri(),
                "/v1/messages",
                Http.messageBody("flaky-down", false),
                anthropicHeaders());
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        HttpResponse<String> metrics = Http.get(SLUICE_NO_COLLECTOR.baseUri(), "/metrics");
        assertThat(metrics.body()).contains("sluice_tracing_spans_dropped_total 0.0");
        var tracing = stats(SLUICE_NO_COLLECTOR).path("tracing");
        assertThat(tracing.path("enabled").asBoolean()).isTrue();
        assertThat(tracing.path("exported").asLong()).isZero();
        assertThat(tracing.path("dropped").asLong()).isZero();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(stats(SLUICE_NO_COLLECTOR)
                                .path("tracing")
                                .path("exportFailed")
                                .asLong())
                        .isPositive());
    }

    @Test
    void aFallbackIsOneClientSpanPerAttemptOnEachTargetAllSiblingsUnderTheServerSpan() throws Exception {
        String traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/messages",
                Http.messageBody("fallback", false),
                anthropicHeaders("traceparent", "00-" + traceId + "-00f067aa0ba902b8-01"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Span server = serverSpan(traceId);
        List<Span> clients = clientSpans(traceId);
        assertThat(attribute(server, "sluice.outcome")).contains("SUCCESS");
        assertThat(clients).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < clients.size(); i++) {
            Span client = clients.get(i);
            assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(attribute(client, "sluice.attempt")).contains(Integer.toString(i + 1));
            assertThat(attribute(client, "sluice.route")).contains("fallback");
        }
        // every attempt on the first target failed; the last, on the second target, answered
        List<Span> failed = clients.subList(0, clients.size() - 1);
        for (Span client : failed) {
            assertThat(attribute(client, "sluice.target")).contains("ant/fault-server-error");
            assertThat(attribute(client, "gen_ai.provider.name")).contains("anthropic");
            assertThat(attribute(client, "sluice.outcome")).contains("SERVER_ERROR");
            assertThat(attribute(client, "error.type")).isPresent();
            assertThat(client.getStatus().getCode())
                    .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        }
        Span answered = clients.getLast();
        assertThat(answered.getName()).isEqualTo("chat fake-model");
        assertThat(attribute(answered, "sluice.target")).contains("oai/fake-model");
        assertThat(attribute(answered, "gen_ai.provider.name")).contains("openai");
        assertThat(attribute(answered, "sluice.outcome")).contains("SUCCESS");
        assertThat(attribute(answered, "gen_ai.usage.output_tokens")).isPresent();
        String tried = attribute(server, "sluice.targets").orElseThrow();
        assertThat(tried.split(","))
                .hasSize(clients.size())
                .endsWith("oai/fake-model")
                .startsWith("ant/fault-server-error");
    }

    @Test
    void aRealtimeSessionIsOneServerSpanEndedWithItsClose() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4739";
        String callerSpan = "00f067aa0ba902b8";
        try (RealtimeWs ws = RealtimeWs.connect(
                SLUICE.baseUri(),
                "/v1/realtime?model=gpt-realtime",
                List.of(),
                "authorization",
                "Bearer " + SluiceExtension.CLIENT_KEY,
                "traceparent",
                "00-" + traceId + "-" + callerSpan + "-01")) {
            ws.next("session.created");
            assertThat(RECEIVER.trace(traceId))
                    .as("no span before the session ends")
                    .isEmpty();
        }

        Span server = serverSpan(traceId);
        assertThat(server.getName()).isEqualTo("GET /v1/realtime");
        assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo(callerSpan);
        assertThat(attribute(server, "http.response.status_code")).contains("101");
        assertThat(attribute(server, "sluice.targets")).contains("oai/gpt-realtime");
        assertThat(attribute(server, "sluice.outcome")).contains("SUCCESS");
    }

    @Test
    void theSameRetryThroughTheOpenAiDialectIsAServerSpanOverTwoClientSpans() throws Exception {
        String traceId = "6bf92f3577b34da6a3ce929d0e0e4738";
        String callerSpan = "00f067aa0ba902b9";
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/v1/chat/completions",
                Http.chatBody("flaky-openai", true),
                Http.openAiHeaders("traceparent", "00-" + traceId + "-" + callerSpan + "-01"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("[DONE]");
        Span server = serverSpan(traceId);
        List<Span> clients = clientSpans(traceId);
        assertThat(hex(server.getParentSpanId().toByteArray())).isEqualTo(callerSpan);
        assertThat(server.getName()).isEqualTo("POST /v1/chat/completions");
        assertThat(attribute(server, "http.route")).contains("/v1/chat/completions");
        assertThat(attribute(server, "http.response.status_code")).contains("200");
        assertThat(attribute(server, "sluice.route")).contains("flaky-openai");
        assertThat(attribute(server, "sluice.outcome")).contains("SUCCESS");
        assertThat(clients).hasSize(2);
        for (Span client : clients) {
            assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
            assertThat(client.getName()).isEqualTo("chat fault-server-error-times-1-case-3");
            assertThat(attribute(client, "gen_ai.provider.name")).contains("openai");
            assertThat(attribute(client, "sluice.target")).contains("oai/fault-server-error-times-1-case-3");
        }
        assertThat(attribute(clients.get(0), "sluice.outcome")).contains("SERVER_ERROR");
        assertThat(attribute(clients.get(1), "sluice.outcome")).contains("SUCCESS");
        assertThat(attribute(clients.get(1), "gen_ai.response.model")).isPresent();
    }

    /**
     * A collector that takes the connection and never answers: the export waits on the exporter's thread for the
     * OTLP timeout (10 s), never on a request's. Each request, a retry included, is answered in milliseconds by the
     * fake; the 3 s bound is far above that on a loaded CI machine and far below the 10 s a request would take if
     * it waited for the export even once, and all but the first are served while an export waits on the collector.
     */
    @Test
    void withTheCollectorStalledTheAnswersAreTheSameAndNotSlowed() throws Exception {
        for (int i = 0; i < 8; i++) {
            boolean stream = i % 2 == 0;
            long start = System.nanoTime();
            HttpResponse<String> r = Http.post(
                    SLUICE_STALLED_COLLECTOR.baseUri(),
                    "/v1/messages",
                    Http.messageBody("stalled", stream),
                    anthropicHeaders("traceparent", "00-7bf92f3577b34da6a3ce929d0e0e473" + i + "-00f067aa0ba902ba-01"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains(stream ? "message_stop" : "\"stop_reason\"");
            assertThat(took).as("request %d", i).isLessThan(Duration.ofSeconds(3));
            if (i == 0) { // the rest are served while the exporter waits on the stalled collector
                await().atMost(Duration.ofSeconds(5)).until(() -> STALLING.connections() > 0);
            }
        }
        HttpResponse<String> chat = Http.post(
                SLUICE_STALLED_COLLECTOR.baseUri(),
                "/v1/chat/completions",
                Http.chatBody("stalled", true),
                Http.openAiHeaders());
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(chat.body()).contains("[DONE]");
        // the exporter did reach the collector, which took the connection and never answered
        await().atMost(Duration.ofSeconds(5)).until(() -> STALLING.connections() > 0);
        var tracing = stats(SLUICE_STALLED_COLLECTOR).path("tracing");
        assertThat(tracing.path("enabled").asBoolean()).isTrue();
        assertThat(tracing.path("exported").asLong()).isZero();
        assertThat(tracing.path("dropped").asLong()).isZero();
    }

    @Test
    void aRequestQueuedForAdmissionShowsItsWaitOnItsServerSpan() throws Exception {
        String heldTrace = "7bf92f3577b34da6a3ce929d0e0e4740";
        String queuedTrace = "7bf92f3577b34da6a3ce929d0e0e4741";
        int before = FAKE.provider().recentRequests().size();
        var held = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(
                        SLUICE_ONE_PERMIT.baseUri(),
                        "/v1/messages",
                        Http.messageBody("held", false),
                        anthropicHeaders("traceparent", "00-" + heldTrace + "-00f067aa0ba902b9-01"));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        // the held request has its permit once it reached the fake, which answers it 1.5 s later
        await().atMost(Duration.ofSeconds(10))
                .until(() -> FAKE.provider().recentRequests().size() > before);
        long sent = System.nanoTime();
        HttpResponse<String> queued = Http.post(
                SLUICE_ONE_PERMIT.baseUri(),
                "/v1/messages",
                Http.messageBody("queued", false),
                anthropicHeaders("traceparent", "00-" + queuedTrace + "-00f067aa0ba902ba-01"));
        long tookMs = (System.nanoTime() - sent) / 1_000_000;

        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        assertThat(held.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                .isEqualTo(200);
        double heldWait = Double.parseDouble(
                attribute(serverSpan(heldTrace), "sluice.admission.wait_ms").orElseThrow());
        double queuedWait = Double.parseDouble(
                attribute(serverSpan(queuedTrace), "sluice.admission.wait_ms").orElseThrow());
        assertThat(heldWait).as("a free permit is taken at once").isLessThan(200);
        assertThat(queuedWait)
                .as("waited for the held request's permit, within its own time in Sluice")
                .isGreaterThan(500)
                .isLessThanOrEqualTo(tookMs);
    }

    private static com.fasterxml.jackson.databind.JsonNode stats(SluiceExtension sluice) throws Exception {
        HttpResponse<String> r = Http.get(sluice.baseUri(), "/system/stats");
        assertThat(r.statusCode()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    /** The trace's server span, once received: its client spans ended before it, so they were sent with or before it. */
    private static Span serverSpan(String traceId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        RECEIVER.trace(traceId).stream().anyMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER));
        return RECEIVER.trace(traceId).stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
                .findFirst()
                .orElseThrow();
    }

    private static List<Span> clientSpans(String traceId) {
        return RECEIVER.trace(traceId).stream()
                .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted(java.util.Comparator.comparingLong(Span::getStartTimeUnixNano))
                .toList();
    }
}
