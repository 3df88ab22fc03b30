package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 realtime sessions, 50 at a time, within 60 s: normal closes, client resets, clients closing
 * mid-response, slow readers (the upstream paused and resumed by a small queue), upstream stream-cuts and
 * stream-errors. Every session ends as its kind must, and afterwards Sluice holds no session, permit or key
 * slot, the fake no session, and platform threads and file descriptors are back near their baseline.
 */
@LeakChecked
class RealtimeChurnTest {

    static final int TOTAL = 2000;
    static final int CONCURRENCY = 50;
    static final Duration BUDGET = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(6).deltaInterval(Duration.ofMillis(1)));

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
            "routes.cut.targets",
            "oai:fault-stream-cut",
            "routes.errs.targets",
            "oai:fault-stream-error",
            "realtime.max-sessions",
            "256",
            "realtime.max-sessions-per-key",
            "256",
            "realtime.queue-size",
            "8KiB",
            "realtime.stall-timeout",
            "5s",
            "realtime.idle-timeout",
            "3s");

    /** Stream-cuts Sluice noticed only by the idle timeout (see RealtimeStreamCutTest): counted, reported. */
    static final AtomicInteger CUTS_NOTICED_BY_IDLE = new AtomicInteger();

    enum Kind {
        NORMAL,
        RESET,
        CLOSE_MID,
        SLOW,
        CUT,
        ERROR
    }

    @Test
    void twoThousandSessionsOfEveryKindLeaveNothingBehind() throws Exception {
        for (int i = 0; i < 60; i++) { // warm up: lazy JDK threads (pollers, delay scheduler) start now
            runOne(Kind.values()[i % Kind.values().length]);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().openRealtimeSessions() == 0);
        // the connections of ended sessions whose clients never answered the close are cut after a 2 s grace
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) realtimeSessions().stats().get("closing")).intValue() == 0);
        long threads0 = SoakTest.platformThreads();
        long fds0 = openFds();

        Map<Kind, AtomicInteger> done = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong failures = new AtomicLong();
        List<String> firstFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        long deadline = t0 + BUDGET.toNanos();
        AtomicInteger peakOpen = new AtomicInteger();
        var sessions = realtimeSessions();
        Thread sampler = samplePeak(sessions, peakOpen, 5);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < CONCURRENCY; w++) {
                long seed = w;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = next.getAndIncrement();
                            i < TOTAL && System.nanoTime() < deadline;
                            i = next.getAndIncrement()) {
                        int r = random.nextInt(100);
                        Kind kind = r < 35
                                ? Kind.NORMAL
                                : r < 50
                                        ? Kind.RESET
                                        : r < 60 ? Kind.CLOSE_MID : r < 75 ? Kind.SLOW : r < 88 ? Kind.CUT : Kind.ERROR;
                        try {
                            runOne(kind);
                            done.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                        } catch (Throwable e) {
                            failures.incrementAndGet();
                            if (firstFailures.size() < 5) {
                                String why = e.getCause() instanceof java.net.http.WebSocketHandshakeException h
                                        ? "handshake " + h.getResponse().statusCode() + " "
                                                + h.getResponse().body()
                                        : String.valueOf(e);
                                firstFailures.add(kind + ": " + why);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        sampler.interrupt();
        sampler.join();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        int total = done.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.println("realtime churn: " + total + " sessions in " + ms + " ms, " + done + ", failures "
                + failures.get() + ", peak open sessions in Sluice " + peakOpen.get() + " (clients: " + CONCURRENCY
                + " at a time), stream-cuts noticed only by the idle timeout " + CUTS_NOTICED_BY_IDLE.get());
        assertThat(failures.get())
                .as("sessions that did not end as their kind must: %s", firstFailures)
                .isZero();
        assertThat(total).as("all sessions within %s", BUDGET).isEqualTo(TOTAL);
        assertThat(done.keySet()).containsExactlyInAnyOrder(Kind.values());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(FAKE.provider().openRealtimeSessions()).isZero();
            assertThat(SLUICE.sluice().leaks()).isEmpty();
            JsonNode stats = RealtimeWs.JSON
                    .readTree(Http.get(SLUICE.baseUri(), "/system/stats").body())
                    .path("realtime");
            assertThat(stats.path("open").asInt()).isZero();
            assertThat(stats.path("permitsInUse").asInt()).isZero();
            assertThat(stats.path("keys").asInt()).isZero();
            assertThat(stats.path("refused").size())
                    .as("no session refused: %s", stats)
                    .isZero();
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(SoakTest.platformThreads())
                    .as("platform threads vs baseline %s", threads0)
                    .isLessThanOrEqualTo(threads0 + 2);
            assertThat(openFds()).as("file descriptors vs baseline %s", fds0).isLessThanOrEqualTo(fds0 + 8);
        });
    }

    private static void runOne(Kind kind) throws Exception {
        String model = kind == Kind.CUT ? "cut" : kind == Kind.ERROR ? "errs" : "gpt-realtime";
        RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, model);
        try {
            if (kind == Kind.SLOW) {
                ws.readDelayMillis = 3;
            }
            ws.next("session.created");
            if (kind == Kind.RESET) {
                ws.abort();
                return;
            }
            ws.send(RealtimeWs.userText("churn"));
            ws.next("conversation.item.created");
            ws.send(RealtimeWs.RESPONSE_CREATE);
            switch (kind) {
                case CLOSE_MID -> {
                    ws.next("response.output_audio.delta");
                    ws.close();
                }
                case CUT -> {
                    RealtimeWs.Closed c = ws.awaitClosed(Duration.ofSeconds(10));
                    if (c.code() == 1000 && c.reason().contains("realtime.idle-timeout")) {
                        CUTS_NOTICED_BY_IDLE.incrementAndGet(); // the bug RealtimeStreamCutTest fails on
                    } else {
                        assertThat(c.code()).isEqualTo(1011);
                    }
                }
                case ERROR -> {
                    List<JsonNode> events = ws.until("response.done");
                    assertThat(RealtimeWs.types(events)).contains("error");
                    ws.close();
                }
                default -> {
                    List<JsonNode> events = ws.until("response.done");
                    assertThat(events.get(events.size() - 1)
                                    .path("response")
                                    .path("status")
                                    .asText())
                            .isEqualTo("completed");
                    if (kind == Kind.NORMAL || kind == Kind.SLOW) {
                        ws.close();
                        assertThat(ws.closed.get().code()).isEqualTo(1000);
                    }
                }
            }
        } finally {
            ws.abort();
        }
    }

    /** Sluice's realtime sessions (its stats over HTTP would be too slow to sample). */
    static dev.sluice.gateway.realtime.Sessions realtimeSessions() throws Exception {
        return realtimeSessions(SLUICE);
    }

    /** A thread that keeps the most sessions seen open at once in {@code peak}, every {@code everyMillis}, until interrupted. */
    static Thread samplePeak(dev.sluice.gateway.realtime.Sessions sessions, AtomicInteger peak, long everyMillis) {
        return Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(sessions.open(), Math::max);
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static dev.sluice.gateway.realtime.Sessions realtimeSessions(SluiceExtension sluice) throws Exception {
        var f = Sluice.class.getDeclaredField("server");
        f.setAccessible(true);
        return ((GatewayServer) f.get(sluice.sluice())).realtime();
    }

    static long openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
