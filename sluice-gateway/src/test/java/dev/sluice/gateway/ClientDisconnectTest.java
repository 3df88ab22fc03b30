package dev.sluice.gateway;

import static dev.sluice.gateway.Http.messageBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseEvent;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients that leave mid-stream cancel their upstream request and leave nothing behind. */
@LeakChecked
class ClientDisconnectTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE =
            FakeProviderExtension.create(b -> b.deltas(60).deltaInterval(Duration.ofMillis(8)));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE, "admission.max-in-flight", "512");

    @Test
    void thousandStreamsWithThirtyPercentDisconnectsLeaveNothingBehind() throws Exception {
        int total = 1000;
        int workers = 32;
        for (int i = 0; i < 20; i++) { // warm up: the JDK starts its lazy threads (carriers, pollers) now
            runOne(i % 2 == 0, 3);
        }
        int platformThreadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        String namesBefore = threadNames();
        await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().activeExchanges() == 0);
        long abortedBefore = FAKE.provider().exchangesAborted();
        AtomicInteger disconnected = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            for (int w = 0; w < workers; w++) {
                long seed = w;
                futures.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        boolean leave = random.nextInt(100) < 30;
                        int leaveAfter = 1 + random.nextInt(12); // early in a stream of 60 deltas, ~0.5 s
                        if (runOne(leave, leaveAfter)) {
                            disconnected.incrementAndGet();
                        } else {
                            completed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }

        assertThat(disconnected.get() + completed.get()).isEqualTo(total);
        assertThat(disconnected.get()).isBetween(200, 400);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(SLUICE.sluice().inFlight()).isZero();
            assertThat(SLUICE.sluice().liveScopes()).isZero();
            assertThat(FAKE.provider().activeExchanges()).isZero();
        });
        assertThat(SLUICE.sluice().admissionStats().rejected())
                .as("an idle-again server sheds nothing")
                .isZero();
        // every upstream request of a client that left was closed before the fake finished writing it
        assertThat(FAKE.provider().exchangesAborted() - abortedBefore).isEqualTo(disconnected.get());
        // Jetty's pools evict their idle threads 5 s after the burst
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(ManagementFactory.getThreadMXBean().getThreadCount())
                                .as("platform threads before: %s%nnow: %s", namesBefore, threadNames())
                                .isLessThanOrEqualTo(platformThreadsBefore + 2));
    }

    /** Runs one stream; returns true when the client disconnected on purpose. */
    private static boolean runOne(boolean leave, int leaveAfter) throws Exception {
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post("/v1/messages", headers(), messageBody("fake-model", true))) {
            assertThat(s.status()).isEqualTo(200);
            int seen = 0;
            while (true) {
                Optional<SseEvent> e = s.next(Duration.ofSeconds(10));
                if (e.isEmpty()) {
                    throw new AssertionError("stream ended without message_stop after " + seen + " events");
                }
                seen++;
                if (leave && seen == leaveAfter) {
                    s.disconnect();
                    return true;
                }
                if (e.get().event().equals("message_stop")) {
                    return false;
                }
            }
        }
    }

    @Test
    void disconnectDuringALongTimeToFirstTokenCancelsTheUpstreamWithinTheHeartbeat() throws Exception {
        long abortedBefore = FAKE.provider().exchangesAborted();
        try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                .post(
                        "/v1/messages",
                        headers(),
                        messageBody("fault-slow-first-token", true))) { // the fake waits 30 s before the first delta
            // before the first content only heartbeats reach the client (message_start is held back, so
            // another target could still answer): the head goes out with the first of them
            assertThat(s.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().activeExchanges() == 1);
            s.disconnect();
        }
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(FAKE.provider().exchangesAborted() - abortedBefore).isEqualTo(1);
            assertThat(FAKE.provider().activeExchanges()).isZero();
            assertThat(SLUICE.sluice().inFlight()).isZero();
        });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(t -> t.getName().replaceAll("@.*", ""))
                .sorted()
                .collect(java.util.stream.Collectors.joining(", "));
    }

    static Map<String, String> headers() {
        return UpstreamFailureOutcomesTest.headers();
    }
}
