package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client dropping its connection (the JDK's WebSocket.abort: the socket closed, no close frame) right after
 * session.created, 30 times in a row: Sluice must notice each at once and close the upstream session.
 * Found in the churn: now and then the session is held (permit, key slot, upstream session) until
 * {@code realtime.idle-timeout} reaps it.
 */
@LeakChecked
class RealtimeClientResetTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

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
            "realtime.idle-timeout",
            "4s",
            "realtime.max-sessions",
            "256",
            "realtime.max-sessions-per-key",
            "256");

    @Test
    void everyClientResetEndsItsSessionPromptly() throws Exception {
        List<String> late = new ArrayList<>();
        var sessions = RealtimeChurnTest.realtimeSessions(SLUICE);
        for (int i = 0; i < 30; i++) {
            RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, "gpt-realtime");
            ws.next("session.created");
            long t0 = System.nanoTime();
            ws.abort();
            try {
                await().atMost(Duration.ofSeconds(1))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> sessions.open() == 0 && FAKE.provider().openRealtimeSessions() == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Process ss = new ProcessBuilder(
                                "sh",
                                "-c",
                                "ss -tan | grep ':" + SLUICE.baseUri().getPort() + " '")
                        .redirectErrorStream(true)
                        .start();
                late.add("session " + i + " still open after 1 s: " + sessions.describe() + "; sockets: "
                        + new String(ss.getInputStream().readAllBytes()).replaceAll("\\s+", " "));
                await().atMost(Duration.ofSeconds(6)).until(() -> sessions.open() == 0);
                late.add("  ... ended after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            }
        }
        assertThat(late).as("client resets not noticed within 1 s").isEmpty();
    }

    /**
     * The same, 300 resets by 30 clients at a time: the count Sluice left to the idle timeout must be 0, and the
     * sessions reset but not yet noticed never pile up towards {@code realtime.max-sessions}.
     */
    @Test
    void concurrentClientResetsEndTheirSessionsPromptly() throws Exception {
        var sessions = RealtimeChurnTest.realtimeSessions(SLUICE);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        Thread sampler = RealtimeChurnTest.samplePeak(sessions, peak, 2);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 30; w++) {
                fs.add(pool.submit(() -> {
                    while (next.getAndIncrement() < 300) {
                        RealtimeWs ws = RealtimeWs.open(SLUICE.baseUri(), SluiceExtension.CLIENT_KEY, "gpt-realtime");
                        ws.next("session.created");
                        ws.abort();
                    }
                    return null;
                }));
            }
            for (var f : fs) {
                f.get();
            }
        }
        sampler.interrupt();
        sampler.join();
        // each client holds the session it reset until Sluice notices, and the next it opens: about 60 at most.
        // Noticed only by the reaper's sweep (every 250 ms), resets piled up to the 256 of realtime.max-sessions
        // and handshakes were refused.
        assertThat(peak.get())
                .as("sessions open at once while 30 clients reset theirs; %s", sessions.stats())
                .isLessThan(128);
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        int lingering = sessions.open();
        Process ss = new ProcessBuilder(
                        "sh", "-c", "ss -tan | grep ':" + SLUICE.baseUri().getPort() + " '")
                .redirectErrorStream(true)
                .start();
        String sockets = new String(ss.getInputStream().readAllBytes());
        long closeWait = sockets.lines().filter(l -> l.startsWith("CLOSE-WAIT")).count();
        long established = sockets.lines().filter(l -> l.startsWith("ESTAB")).count();
        System.out.println("client resets: " + lingering + " sessions open 1 s after the last reset; Sluice's port: "
                + closeWait + " CLOSE-WAIT, " + established + " ESTAB; fake sessions "
                + FAKE.provider().openRealtimeSessions());
        await().atMost(Duration.ofSeconds(8)).until(() -> sessions.open() == 0);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        java.util.Map<String, Object> stats = sessions.stats();
        assertThat(ms + 1000)
                .as(
                        "all 300 ended within 3 s of the last reset (idle-timeout is 4 s); closes %s; %s open after 1 s,"
                                + " Sluice's sockets then: %s CLOSE-WAIT, %s ESTAB",
                        stats.get("closes"), lingering, closeWait, established)
                .isLessThan(3000);
        assertThat(((java.util.Map<?, ?>) stats.get("closes")).get("1000"))
                .as("closes %s", stats.get("closes"))
                .isNull();
    }
}
