package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.LeastSquares;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import dev.sluice.testkit.SseStream;
import dev.sluice.testkit.SseTestClient;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI soak: mixed traffic (streams, whole answers in both dialects, 10% client disconnects, 5%
 * upstream faults of several kinds, an outage phase against a dead provider) for
 * {@code sluice.soak.requests} requests or {@code sluice.soak.minutes}, whichever comes first
 * (300,000 / 5 by default), asserting memory — not time: the post-GC heap's slope over the run at
 * most 4 bytes per request and its growth at most 2 MiB — and that threads, file descriptors, pooled
 * connections and in-flight requests are back at their baseline once idle.
 */
@LeakChecked
class SoakTest {

    static final long REQUESTS = Long.getLong("sluice.soak.requests", 300_000);
    static final long MINUTES = Long.getLong("sluice.soak.minutes", 5);
    static final String[] FAULTS = {
        "fault-rate-limit-no-retry-after", "fault-server-error", "fault-stream-cut", "fault-malformed", "fault-reset"
    };

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(4));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "log.requests",
            "false",
            "providers.ok.kind",
            "anthropic",
            "providers.ok.url",
            "{fake}",
            "providers.ok.api-keys",
            "k",
            "providers.down.kind",
            "openai",
            "providers.down.url",
            "http://127.0.0.1:9/v1",
            "routing.default-provider",
            "ok",
            "routes.outage.targets",
            "down:gone",
            "timeouts.connect",
            "200ms",
            "routing.probe-min",
            "30s");

    /**
     * The heap used after a full GC, the lowest of three readings 200 ms apart: another thread of the
     * JVM (this test shares it with every other test class) may allocate between a GC and the reading,
     * which once put a one-off 2 MiB step at the last checkpoint; what a leak retains stays in all three.
     */
    static long usedAfterGc() throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        for (int reading = 0; reading < 3; reading++) {
            if (reading > 0) {
                Thread.sleep(200);
            }
            for (int i = 0; i < 2; i++) {
                System.gc();
            }
            Runtime rt = Runtime.getRuntime();
            lowest = Math.min(lowest, rt.totalMemory() - rt.freeMemory());
        }
        return lowest;
    }

    /** Platform threads, without the test's own clients (the JDK HttpClient keeps idle workers for 60 s). */
    static long platformThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> !n.startsWith("HttpClient-") && !n.startsWith("pool-"))
                .count();
    }

    private static int pooledStoreConnections() {
        var store = SLUICE.sluice().storeForTests();
        return store.activeConnections() + store.idleConnections();
    }

    /** What each open descriptor points at (sockets, files), for a failure message. */
    private static String fdTargets() {
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) {
            return "(no /proc)";
        }
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (String fd : fds) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", fd))
                        .toString();
                kinds.merge(target.startsWith("socket:") ? "socket" : target, 1, Integer::sum);
            } catch (java.io.IOException gone) {
                // closed meanwhile
            }
        }
        return kinds.toString();
    }

    /** The platform threads by name prefix (digits dropped), for a failure message. */
    private static String threadNames() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        Thread.getAllStackTraces()
                .keySet()
                .forEach(t -> byName.merge(t.getName().replaceAll("\\d+", "#"), 1L, Long::sum));
        return byName.toString();
    }

    static long openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** The soak's own HTTP client, closed before descriptors are compared (the JDK keeps idle connections). */
    private java.net.http.HttpClient client = newClient();

    static java.net.http.HttpClient newClient() {
        return java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    int post(String path, String body, String... headers) throws Exception {
        return client.send(
                        java.net.http.HttpRequest.newBuilder(SLUICE.baseUri().resolve(path))
                                .timeout(Duration.ofSeconds(20))
                                .headers(headers)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    void one(long i) {
        int kind = (int) (i % 100);
        try {
            if (kind < 10) {
                try (SseStream s = SseTestClient.connect(SLUICE.baseUri())
                        .post(
                                "/v1/messages",
                                Map.of(
                                        "x-api-key",
                                        SluiceExtension.CLIENT_KEY,
                                        "anthropic-version",
                                        "2023-06-01",
                                        "content-type",
                                        "application/json"),
                                Http.messageBody("fake-model", true))) {
                    s.next(Duration.ofSeconds(5));
                    s.disconnect();
                }
            } else if (kind < 15) {
                post(
                        "/v1/messages",
                        Http.messageBody(FAULTS[(int) (i / 100 % FAULTS.length)], i % 2 == 0),
                        anthropicHeaders());
            } else if (kind < 60) {
                post("/v1/messages", Http.messageBody("fake-model", true), anthropicHeaders());
            } else if (i % 2 == 0) {
                post("/v1/chat/completions", Http.chatBody("fake-model", i % 4 == 0), openAiHeaders());
            } else {
                post("/v1/messages", Http.messageBody("fake-model", false), anthropicHeaders());
            }
        } catch (Exception e) {
            throw new IllegalStateException("request " + i + " failed on the client side", e);
        }
    }

    @Test
    void memoryStaysFlatAndEverythingReturnsToBaseline() throws Exception {
        long warmup = Math.min(5_000, REQUESTS / 10);
        for (long i = 0; i < warmup; i++) {
            one(i);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> SLUICE.sluice().inFlight() == 0);
        client.close(); // the baseline is taken without the test client's idle connections
        client = newClient();
        Thread.sleep(6000); // let the pools' idle threads and connections be evicted
        long threads0 = platformThreads();
        long fds0 = openFds();
        int pooled0 = pooledStoreConnections();
        List<long[]> floors = new ArrayList<>();
        floors.add(new long[] {0, usedAfterGc()});

        long deadline = System.nanoTime() + Duration.ofMinutes(MINUTES).toNanos();
        AtomicLong next = new AtomicLong();
        long checkpoint = Math.max(1, REQUESTS / 10);
        long done = 0;
        while (done < REQUESTS && System.nanoTime() < deadline) {
            long batchEnd = Math.min(REQUESTS, done + checkpoint);
            boolean outage = done >= REQUESTS * 4 / 10 && done < REQUESTS / 2;
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int t = 0; t < 8; t++) {
                    pool.submit(() -> {
                        long i;
                        while ((i = next.getAndIncrement()) < batchEnd && System.nanoTime() < deadline) {
                            if (outage && i % 10 == 0) {
                                try {
                                    post("/v1/messages", Http.messageBody("outage", false), anthropicHeaders());
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            } else {
                                one(i);
                            }
                        }
                        return null;
                    });
                }
            }
            done = Math.min(next.get(), batchEnd);
            next.set(done);
            await().atMost(Duration.ofSeconds(15)).until(() -> SLUICE.sluice().inFlight() == 0);
            floors.add(new long[] {done, usedAfterGc()});
        }

        // the first segment is warm-up too (JIT, pools and bounded caches reaching their working size):
        // slope and growth are measured from its end
        List<long[]> measured = floors.size() > 2 ? floors.subList(1, floors.size()) : floors;
        double slope = slope(measured);
        long growth = measured.get(measured.size() - 1)[1] - measured.get(0)[1];
        System.out.printf(
                "soak: %d requests, post-GC heap %d -> %d bytes, slope %.3f B/request, growth %d B (%s)%n",
                done, measured.get(0)[1], measured.get(measured.size() - 1)[1], slope, growth, describe(floors));
        assertThat(done).isGreaterThanOrEqualTo(Math.min(REQUESTS, 1_000));
        assertThat(slope)
                .as("post-GC heap slope, bytes per request: " + describe(floors))
                .isLessThanOrEqualTo(4.0);
        assertThat(growth)
                .as("post-GC heap growth over the run: " + describe(floors))
                .isLessThanOrEqualTo(2L << 20);

        client.close();
        // Jetty's upstream pools shrink by one idle thread per idle timeout (5 s): from their 8 to their 2
        // that is 30 s, so the wait allows 45 s (it ends as soon as everything is back)
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
            assertThat(SLUICE.sluice().inFlight()).isZero();
            assertThat(SLUICE.sluice().liveScopes()).isZero();
            assertThat(platformThreads())
                    .as("threads vs baseline " + threads0 + ", now: " + threadNames())
                    .isLessThanOrEqualTo(threads0 + 2);
            // each pooled SQLite connection holds the database, its WAL and its shared-memory file; HikariCP
            // keeps connections it grew to under load until its idle timeout, which is not a leak
            int grown = Math.max(0, pooledStoreConnections() - pooled0);
            assertThat(openFds())
                    .as("file descriptors vs baseline " + fds0 + " (store pool grew by " + grown + "): " + fdTargets())
                    .isLessThanOrEqualTo(fds0 + 4 + 3L * grown);
            assertThat(FAKE.provider().activeExchanges()).isZero();
        });
    }

    /** Least-squares slope of bytes over requests. */
    static double slope(List<long[]> points) {
        return LeastSquares.slope(
                points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    static String describe(List<long[]> points) {
        StringBuilder sb = new StringBuilder();
        points.forEach(p -> sb.append(p[0]).append(':').append(p[1] / 1024).append("KiB "));
        return sb.toString();
    }
}
