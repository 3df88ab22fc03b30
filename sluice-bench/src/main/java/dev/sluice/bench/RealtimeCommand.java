package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.fake.FakeProvider;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench realtime}: N OpenAI Realtime sessions through Sluice's WebSocket relay, each with
 * audio-rate traffic both ways: every 100 ms an {@code input_audio_buffer.append} of 100 ms of 24 kHz PCM16
 * (4,800 bytes, base64), every {@link #TURN_TICKS} ticks a commit and {@code response.create}, answered by
 * the fake with audio and transcript deltas paced 100 ms apart. Measures the gaps between messages received
 * while a response is generated (a stall is one over 200 ms), messages and bytes each way, session errors,
 * Sluice's heap per open session (post-GC floor) and its CPU per relayed message.
 */
@Command(
        name = "realtime",
        mixinStandardHelpOptions = true,
        description = {
            "Realtime (WebSocket) sessions through Sluice with audio-rate traffic both ways: gaps while a",
            "response is generated (stall > 200 ms), heap per open session, Sluice CPU per relayed message.",
            "Writes realtime.json and .md."
        })
final class RealtimeCommand implements Callable<Integer> {
    static final String MODEL = "gpt-realtime";
    static final Duration TICK = Duration.ofMillis(100);
    static final int AUDIO_BYTES = 4800; // 100 ms of 24 kHz 16-bit mono
    static final int TURN_TICKS = 30; // a commit + response.create every 3 s
    static final int DELTAS = 20; // 20 pairs of deltas, 100 ms apart: 2 s of answer
    static final Duration DELTA_INTERVAL = Duration.ofMillis(100);
    static final Duration TTFT = Duration.ofMillis(100);
    static final Duration STALL = Duration.ofMillis(200);
    static final double TARGET_HEAP_PER_SESSION_KIB = 64;
    static final double TARGET_CPU_PER_MESSAGE_US = 100;
    static final int SESSIONS_PER_CLIENT = 50;
    static final Duration SETTLE_AFTER_CLOSE = Duration.ofSeconds(5);

    @Option(
            names = "--sessions",
            paramLabel = "N,N...",
            split = ",",
            defaultValue = "200",
            description = "sessions open at once, one run per number (default: ${DEFAULT-VALUE})")
    List<Integer> sessions;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "60",
            description = "seconds of traffic per run (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(
            names = "--warmup-seconds",
            paramLabel = "S",
            defaultValue = "10",
            description = "unreported warm-up with 20 sessions first (default: ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(
            names = "--direct",
            description = "open the sessions straight to the fake provider, not through Sluice "
                    + "(a baseline of the client and fake; no heap or Sluice CPU figures)")
    boolean direct;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            defaultValue = "realtime",
            description = "the outputs' file name (default: ${DEFAULT-VALUE})")
    String name;

    @Mixin
    Output.Options options;

    @Spec
    CommandSpec spec;

    private static final String APPEND = appendMessage();
    private static final String COMMIT = "{\"type\":\"input_audio_buffer.commit\"}";
    private static final String RESPONSE_CREATE = "{\"type\":\"response.create\"}";

    private static String appendMessage() {
        byte[] pcm = new byte[AUDIO_BYTES];
        new Random(42).nextBytes(pcm);
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\""
                + Base64.getEncoder().encodeToString(pcm) + "\"}";
    }

    @Override
    public Integer call() throws Exception {
        if (sessions.isEmpty() || sessions.stream().anyMatch(n -> n < 1) || seconds < 1 || warmupSeconds < 0) {
            spec.commandLine()
                    .getErr()
                    .println("sluice-bench: --sessions >= 1 each, --seconds >= 1, --warmup-seconds >= 0");
            return 2;
        }
        PrintStream log = System.err;
        Instant started = Instant.now();
        Machine machine = Machine.current();
        int most = sessions.stream().mapToInt(Integer::intValue).max().orElse(1);
        String bound = Integer.toString(most + 64);
        try (FakeProvider fake = FakeProvider.builder()
                .deltas(DELTAS)
                .deltaInterval(DELTA_INTERVAL)
                .ttft(TTFT)
                .start()) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("providers.fake.kind", "openai");
            settings.put("providers.fake.url", fake.baseUri().toString());
            settings.put("providers.fake.api-keys", "bench");
            settings.put("routes." + MODEL + ".targets", "fake:" + MODEL);
            settings.put("realtime.max-sessions", bound);
            settings.put("realtime.max-sessions-per-key", bound);
            settings.put("admission.max-in-flight", bound);
            try (SluiceProcess sluice =
                    SluiceProcess.start(options.jvmFlags(), options.settings(settings), options.sluiceCpus)) {
                URI uri = URI.create("ws://127.0.0.1:" + (direct ? fake.baseUri() : sluice.baseUri()).getPort()
                        + "/v1/realtime?model=" + MODEL);
                TrafficClient.requireLoopback(uri);
                if (warmupSeconds > 0) {
                    log.printf("sluice-bench: warm-up, 20 sessions for %d s%n", warmupSeconds);
                    new Run(uri, 20, warmupSeconds, null, fake, log).run();
                }
                List<ObjectNode> results = new ArrayList<>();
                for (int n : sessions) {
                    log.printf("sluice-bench: realtime, %d sessions for %d s (load: %s)%n", n, seconds, loadAverage());
                    ObjectNode r = new Run(uri, n, seconds, direct ? null : sluice, fake, log).run();
                    results.add(r);
                    log.printf("sluice-bench:   %s%n", r);
                }
                report(started, machine, sluice, results, log);
            }
        }
        return 0;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** One client session: its socket, its sender loop, and what it saw. */
    static final class Session implements WebSocket.Listener {
        final int index;
        final StringBuilder partial = new StringBuilder();
        volatile WebSocket ws;
        volatile boolean counting;
        volatile boolean responding; // the sender's: a response was asked for and has not ended
        boolean generating; // the listener's: between response.created and response.done
        volatile boolean closedByPeer;
        volatile String closeReason;
        final CompletableFuture<Void> created = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        long lastAt; // the listener's (one callback at a time): when the last message came
        long maxGapNanos;
        final AtomicLong msgsIn = new AtomicLong();
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong msgsOut = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        final AtomicLong errorEvents = new AtomicLong();
        final AtomicLong responsesRequested = new AtomicLong();
        final AtomicLong responsesDone = new AtomicLong();
        final AtomicLong responsesFailed = new AtomicLong();
        final AtomicLong skippedTurns = new AtomicLong();
        final AtomicLong stalls = new AtomicLong();
        volatile long maxSendLagNanos;
        volatile String failure;
        final ConcurrentHistogram gaps;
        final Timeline timeline;

        Session(int index, ConcurrentHistogram gaps, Timeline timeline) {
            this.index = index;
            this.gaps = gaps;
            this.timeline = timeline;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String m = partial.toString();
                partial.setLength(0);
                message(m, now);
            }
            webSocket.request(1);
            return null;
        }

        private void message(String m, long now) {
            if (counting) {
                msgsIn.incrementAndGet();
                bytesIn.addAndGet(m.length());
            }
            String type = type(m);
            if (generating) {
                long gap = now - lastAt;
                if (counting) {
                    gaps.recordValue(Math.min(gap / 1000, 60_000_000L));
                    if (gap > STALL.toNanos()) {
                        stalls.incrementAndGet();
                        timeline.stall(lastAt, gap);
                    }
                    maxGapNanos = Math.max(maxGapNanos, gap);
                }
            }
            lastAt = now;
            switch (type) {
                case "session.created" -> created.complete(null);
                case "response.created" -> generating = true;
                case "response.done" -> {
                    generating = false;
                    responding = false;
                    if (counting) {
                        responsesDone.incrementAndGet();
                        if (!m.contains("\"status\":\"completed\"")) {
                            responsesFailed.incrementAndGet();
                        }
                    }
                }
                case "error" -> {
                    errorEvents.incrementAndGet();
                    if (failure == null) {
                        failure = "error event: " + m.substring(0, Math.min(300, m.length()));
                    }
                }
                default -> {}
            }
        }

        static String type(String m) {
            int i = m.indexOf("\"type\":\"");
            if (i < 0) {
                return "";
            }
            int end = m.indexOf('"', i + 8);
            return end < 0 ? "" : m.substring(i + 8, end);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedByPeer = true;
            closeReason = statusCode + " " + reason;
            closed.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (failure == null) {
                failure = "socket error: " + error;
            }
            closed.complete(null);
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
            if (counting) {
                msgsOut.incrementAndGet();
                bytesOut.addAndGet(text.length());
            }
        }
    }

    /** Stalls by the second (of the traffic) their gap began in, to tell a pause every session saw from scattered ones. */
    static final class Timeline {
        final java.util.concurrent.atomic.AtomicLongArray stalls;
        final java.util.concurrent.atomic.AtomicLongArray longestMicros;
        volatile long t0;

        Timeline(int seconds) {
            stalls = new java.util.concurrent.atomic.AtomicLongArray(seconds + 16);
            longestMicros = new java.util.concurrent.atomic.AtomicLongArray(seconds + 16);
        }

        void stall(long startNanos, long gapNanos) {
            int second = (int) Math.max(0, Math.min(stalls.length() - 1, (startNanos - t0) / 1_000_000_000L));
            stalls.incrementAndGet(second);
            longestMicros.accumulateAndGet(second, gapNanos / 1000, Math::max);
        }

        /** The seconds with a stall: [second, stalls, longest gap ms]. */
        ArrayNode json() {
            ArrayNode a = Output.JSON.createArrayNode();
            for (int i = 0; i < stalls.length(); i++) {
                if (stalls.get(i) > 0) {
                    a.addArray().add(i).add(stalls.get(i)).add(longestMicros.get(i) / 1000.0);
                }
            }
            return a;
        }
    }

    /** One run: N sessions opened, heap measured idle, S seconds of traffic, heap again, closed. */
    final class Run {
        final URI uri;
        final int n;
        final int runSeconds;
        final SluiceProcess sluice; // null: the warm-up (nothing measured)
        final FakeProvider fake;
        final PrintStream log;
        final ConcurrentHistogram gaps = new ConcurrentHistogram(60_000_000L, 3);
        final Timeline timeline;

        Run(URI uri, int n, int runSeconds, SluiceProcess sluice, FakeProvider fake, PrintStream log) {
            this.uri = uri;
            this.n = n;
            this.runSeconds = runSeconds;
            this.sluice = sluice;
            this.fake = fake;
            this.log = log;
            this.timeline = new Timeline(runSeconds);
        }

        ObjectNode run() throws Exception {
            ObjectNode r = Output.JSON.createObjectNode();
            r.put("sessions", n).put("seconds", runSeconds).put("loadAverageBefore", loadAverage());
            long floorBefore = sluice != null ? sluice.gcFloorBytes() : -1;
            ProcStats.Sample procBefore = sluice != null ? sluice.proc() : null;
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < (n + SESSIONS_PER_CLIENT - 1) / SESSIONS_PER_CLIENT; i++) {
                clients.add(HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build());
            }
            List<Session> all = new ArrayList<>();
            int handshakeFailures = 0;
            String firstHandshakeFailure = null;
            long openStart = System.nanoTime();
            try {
                // open: at most 32 handshakes at a time
                Semaphore handshakes = new Semaphore(32);
                List<CompletableFuture<Session>> opening = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Session s = new Session(i, gaps, timeline);
                    handshakes.acquire();
                    opening.add(clients.get(i / SESSIONS_PER_CLIENT)
                            .newWebSocketBuilder()
                            .header("Authorization", "Bearer bench-client")
                            .connectTimeout(Duration.ofSeconds(10))
                            .buildAsync(uri, s)
                            .orTimeout(30, TimeUnit.SECONDS)
                            .whenComplete((ws, t) -> handshakes.release())
                            .thenApply(ws -> {
                                s.ws = ws;
                                return s;
                            }));
                }
                for (CompletableFuture<Session> f : opening) {
                    try {
                        Session s = f.get(60, TimeUnit.SECONDS);
                        s.created.get(30, TimeUnit.SECONDS);
                        all.add(s);
                    } catch (Exception e) {
                        handshakeFailures++;
                        if (firstHandshakeFailure == null) {
                            firstHandshakeFailure = String.valueOf(e.getCause() != null ? e.getCause() : e);
                        }
                    }
                }
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                r.put("opened", all.size())
                        .put("handshakeFailures", handshakeFailures)
                        .put("openSeconds", Output.round(openSeconds, 2));
                if (firstHandshakeFailure != null) {
                    r.put("firstHandshakeFailure", firstHandshakeFailure);
                }
                long floorOpen = -1;
                ProcStats.Sample procOpen = null;
                if (sluice != null) {
                    Thread.sleep(1000);
                    floorOpen = sluice.gcFloorBytes();
                    procOpen = sluice.proc();
                    r.put(
                            "sluiceRealtimeOpen",
                            sluice.stats().path("realtime").path("open").asLong(-1));
                }
                // traffic
                ProcStats.Sample cpuStart = sluice != null ? sluice.proc() : null;
                long selfCpuStart = ProcStats.of(ProcessHandle.current().pid()).cpuMillis();
                JsonNode statsStart = sluice != null ? sluice.stats().path("realtime") : null;
                long gcStart = benchGcMillis();
                long t0 = System.nanoTime() + TICK.toNanos();
                timeline.t0 = t0;
                all.forEach(s -> s.counting = true);
                long end = t0 + Duration.ofSeconds(runSeconds).toNanos();
                try (ExecutorService senders = Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("sluice-bench-realtime-", 0).factory())) {
                    for (Session s : all) {
                        senders.submit(() -> send(s, t0, end, all.size()));
                    }
                    senders.shutdown();
                    if (!senders.awaitTermination(runSeconds + 60L, TimeUnit.SECONDS)) {
                        senders.shutdownNow();
                    }
                }
                // let the last responses finish (2.1 s each), then stop counting
                long settle = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (all.stream().anyMatch(s -> s.responding) && System.nanoTime() < settle) {
                    Thread.sleep(100);
                }
                all.forEach(s -> s.counting = false);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long selfCpu = ProcStats.of(ProcessHandle.current().pid()).cpuMillis() - selfCpuStart;
                long msgsOut = all.stream().mapToLong(s -> s.msgsOut.get()).sum();
                long msgsIn = all.stream().mapToLong(s -> s.msgsIn.get()).sum();
                long bytesOut = all.stream().mapToLong(s -> s.bytesOut.get()).sum();
                long bytesIn = all.stream().mapToLong(s -> s.bytesIn.get()).sum();
                long[] maxGaps =
                        all.stream().mapToLong(s -> s.maxGapNanos).sorted().toArray();
                r.put("trafficSeconds", Output.round(elapsed, 1))
                        .put("messagesToSluice", msgsOut)
                        .put("messagesFromSluice", msgsIn)
                        .put("bytesToSluice", bytesOut)
                        .put("bytesFromSluice", bytesIn)
                        .put("messagesPerSecond", Output.round((msgsOut + msgsIn) / elapsed, 0))
                        .put("gapP50Ms", gaps.getValueAtPercentile(50) / 1000.0)
                        .put("gapP99Ms", gaps.getValueAtPercentile(99) / 1000.0)
                        .put("gapP999Ms", gaps.getValueAtPercentile(99.9) / 1000.0)
                        .put("gapMaxMs", gaps.getMaxValue() / 1000.0)
                        .put("gapsMeasured", gaps.getTotalCount())
                        .put("maxGapPerSessionP50Ms", pct(maxGaps, 50) / 1e6)
                        .put("maxGapPerSessionP99Ms", pct(maxGaps, 99) / 1e6)
                        .put("maxGapPerSessionMaxMs", pct(maxGaps, 100) / 1e6)
                        .put(
                                "stalls",
                                all.stream().mapToLong(s -> s.stalls.get()).sum())
                        .put(
                                "sessionsWithStall",
                                all.stream().filter(s -> s.stalls.get() > 0).count())
                        .put(
                                "responsesRequested",
                                all.stream()
                                        .mapToLong(s -> s.responsesRequested.get())
                                        .sum())
                        .put(
                                "responsesDone",
                                all.stream()
                                        .mapToLong(s -> s.responsesDone.get())
                                        .sum())
                        .put(
                                "responsesNotCompleted",
                                all.stream()
                                        .mapToLong(s -> s.responsesFailed.get())
                                        .sum())
                        .put(
                                "skippedTurns",
                                all.stream()
                                        .mapToLong(s -> s.skippedTurns.get())
                                        .sum())
                        .put(
                                "errorEvents",
                                all.stream().mapToLong(s -> s.errorEvents.get()).sum())
                        .put(
                                "sendLagMaxMs",
                                all.stream()
                                                .mapToLong(s -> s.maxSendLagNanos)
                                                .max()
                                                .orElse(0)
                                        / 1e6)
                        .put("clientAndFakeCpuMs", selfCpu)
                        .put("clientAndFakeGcMs", benchGcMillis() - gcStart)
                        .put(
                                "clientAndFakeCpuUsPerMessage",
                                Output.round(selfCpu * 1000.0 / Math.max(1, msgsIn + msgsOut), 1));
                r.set("stallsBySecond", timeline.json());
                long sessionsFailed = all.stream()
                        .filter(s -> s.failure != null || s.closedByPeer)
                        .count();
                r.put("sessionsFailed", sessionsFailed);
                all.stream()
                        .filter(s -> s.failure != null || s.closedByPeer)
                        .findFirst()
                        .ifPresent(s -> r.put(
                                "firstSessionFailure",
                                s.failure != null ? s.failure : "closed by Sluice: " + s.closeReason));
                if (sluice != null) {
                    ProcStats.Sample cpuEnd = sluice.proc();
                    long cpu = cpuEnd.cpuMillis() - cpuStart.cpuMillis();
                    JsonNode statsEnd = sluice.stats().path("realtime");
                    r.put("sluiceCpuMs", cpu)
                            .put("sluiceCpuUsPerMessage", Output.round(cpu * 1000.0 / Math.max(1, msgsIn + msgsOut), 1))
                            .put("sluiceCpuCores", Output.round(cpu / 1000.0 / elapsed, 2));
                    r.set("sluiceRealtimeStatsStart", statsStart);
                    r.set("sluiceRealtimeStatsEnd", statsEnd);
                    long floorAfterTraffic = sluice.gcFloorBytes();
                    r.put("floorBeforeBytes", floorBefore)
                            .put("floorOpenBytes", floorOpen)
                            .put("floorAfterTrafficBytes", floorAfterTraffic)
                            .put(
                                    "heapPerSessionBytes",
                                    Math.round((floorOpen - floorBefore) / (double) Math.max(1, all.size())))
                            .put(
                                    "heapPerSessionAfterTrafficBytes",
                                    Math.round((floorAfterTraffic - floorBefore) / (double) Math.max(1, all.size())))
                            .put("rssBeforeBytes", procBefore.rssBytes())
                            .put("rssOpenBytes", procOpen.rssBytes())
                            .put("rssEndBytes", cpuEnd.rssBytes())
                            .put("threadsBefore", procBefore.threads())
                            .put("threadsOpen", procOpen.threads())
                            .put("fdsBefore", procBefore.fds())
                            .put("fdsOpen", procOpen.fds());
                }
            } finally {
                for (Session s : all) {
                    try {
                        s.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(5, TimeUnit.SECONDS);
                    } catch (RuntimeException e) {
                        s.ws.abort();
                    }
                }
                long by = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                for (Session s : all) {
                    try {
                        s.closed.get(Math.max(1, by - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (Exception e) {
                        s.ws.abort();
                    }
                }
                clients.forEach(HttpClient::close);
            }
            // afterwards: Sluice and the fake hold no session
            long idleBy = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            if (sluice != null) {
                while (sluice.stats().path("realtime").path("open").asLong() > 0 && System.nanoTime() < idleBy) {
                    Thread.sleep(200);
                }
                JsonNode rt = sluice.stats().path("realtime");
                r.put("sluiceRealtimeOpenAfter", rt.path("open").asLong(-1))
                        .put("sluicePermitsAfter", rt.path("permitsInUse").asLong(-1));
            }
            while (fake.openRealtimeSessions() > 0 && System.nanoTime() < idleBy) {
                Thread.sleep(200);
            }
            r.put("fakeRealtimeOpenAfter", fake.openRealtimeSessions());
            // an ended session stays reachable for a few seconds: Sluice cuts its client connection 2 s after the
            // end if the client did not answer the close, and lets the upstream go once its close went (1 s); the
            // next run's "before" floor (the warm-up's too) must not count them
            Thread.sleep(SETTLE_AFTER_CLOSE.toMillis());
            if (sluice != null) {
                long floorAfter = sluice.gcFloorBytes();
                ProcStats.Sample p = sluice.proc();
                r.put("floorAfterCloseBytes", floorAfter)
                        .put("threadsAfter", p.threads())
                        .put("fdsAfter", p.fds());
            }
            r.put("loadAverageAfter", loadAverage());
            return r;
        }

        /** A session's sender: an append every tick, a commit and response.create every TURN_TICKS ticks. */
        private Void send(Session s, long t0, long end, int count) {
            long offset = TICK.toNanos() * s.index / Math.max(1, count); // spread the sessions over a tick
            int turnPhase = s.index % TURN_TICKS;
            try {
                for (long tick = 0; ; tick++) {
                    long due = t0 + offset + tick * TICK.toNanos();
                    if (due >= end || s.closed.isDone()) {
                        return null;
                    }
                    Park.until(due);
                    long lag = System.nanoTime() - due;
                    if (lag > s.maxSendLagNanos) {
                        s.maxSendLagNanos = lag;
                    }
                    s.send(APPEND);
                    if (tick % TURN_TICKS == turnPhase && tick > 0) {
                        if (s.responding) {
                            s.skippedTurns.incrementAndGet();
                            continue;
                        }
                        s.send(COMMIT);
                        s.responding = true; // until response.done; response.created sets it again
                        s.responsesRequested.incrementAndGet();
                        s.send(RESPONSE_CREATE);
                    }
                }
            } catch (Exception e) {
                if (s.failure == null) {
                    s.failure = "send failed: " + e;
                }
                return null;
            }
        }
    }

    /** This JVM's (client and fake) collection time so far, all collectors. */
    static long benchGcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime)
                .filter(t -> t > 0)
                .sum();
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private void report(
            Instant started, Machine machine, SluiceProcess sluice, List<ObjectNode> results, PrintStream log)
            throws java.io.IOException {
        String command = Output.commandLine(spec);
        ObjectNode root = Output.root("realtime", command, started, machine, sluice);
        root.put("direct", direct)
                .put("tickMs", TICK.toMillis())
                .put("audioBytesPerAppend", AUDIO_BYTES)
                .put("appendMessageChars", APPEND.length())
                .put("turnTicks", TURN_TICKS)
                .put("deltas", DELTAS)
                .put("deltaIntervalMs", DELTA_INTERVAL.toMillis())
                .put("ttftMs", TTFT.toMillis())
                .put("stallMs", STALL.toMillis())
                .put("seconds", seconds);
        ArrayNode arr = root.putArray("runs");
        results.forEach(arr::add);
        StringBuilder md = new StringBuilder(String.format(
                (direct ? "STRAIGHT TO THE FAKE (no Sluice) — " : "")
                        + "Realtime sessions" + (direct ? "" : " through Sluice")
                        + ", %d s of traffic each: every %d ms an "
                        + "input_audio_buffer.append of %d bytes of PCM16 (%d chars of JSON), every %d ms a commit + response.create "
                        + "answered by %d audio + transcript delta pairs %d ms apart; a stall is a gap > %d ms between two messages "
                        + "received while a response is generated%n%n",
                seconds,
                TICK.toMillis(),
                AUDIO_BYTES,
                APPEND.length(),
                TURN_TICKS * TICK.toMillis(),
                DELTAS,
                DELTA_INTERVAL.toMillis(),
                STALL.toMillis()));
        md.append(
                "| sessions | load avg before | msgs/s (to / from Sluice) | MiB/s (to / from) | gap p50 / p99 / p99.9 / max ms "
                        + "| max gap per session p50 / p99 / max ms | stalls (sessions) | responses done / requested | errors "
                        + "| heap per session KiB (idle / after traffic) | Sluice CPU µs per message | Sluice cores | client + fake µs per message |\n"
                        + "|--:|--|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        boolean noStall = true;
        double worstHeap = 0;
        double worstCpu = 0;
        for (ObjectNode r : results) {
            double secs = r.path("trafficSeconds").asDouble(1);
            long errors = r.path("handshakeFailures").asLong()
                    + r.path("sessionsFailed").asLong()
                    + r.path("errorEvents").asLong()
                    + r.path("responsesNotCompleted").asLong();
            noStall &= r.path("stalls").asLong() == 0 && errors == 0;
            worstHeap = Math.max(worstHeap, r.path("heapPerSessionBytes").asDouble() / 1024);
            worstCpu = Math.max(worstCpu, r.path("sluiceCpuUsPerMessage").asDouble());
            md.append(String.format(
                    "| %d | %s | %.0f / %.0f | %.1f / %.1f | %.0f / %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %d (%d) "
                            + "| %d / %d | %d | %.1f / %.1f | %.1f | %.2f | %.1f |%n",
                    r.path("sessions").asInt(),
                    r.path("loadAverageBefore").asText().split(" ")[0],
                    r.path("messagesToSluice").asDouble() / secs,
                    r.path("messagesFromSluice").asDouble() / secs,
                    r.path("bytesToSluice").asDouble() / secs / 1048576,
                    r.path("bytesFromSluice").asDouble() / secs / 1048576,
                    r.path("gapP50Ms").asDouble(),
                    r.path("gapP99Ms").asDouble(),
                    r.path("gapP999Ms").asDouble(),
                    r.path("gapMaxMs").asDouble(),
                    r.path("maxGapPerSessionP50Ms").asDouble(),
                    r.path("maxGapPerSessionP99Ms").asDouble(),
                    r.path("maxGapPerSessionMaxMs").asDouble(),
                    r.path("stalls").asLong(),
                    r.path("sessionsWithStall").asLong(),
                    r.path("responsesDone").asLong(),
                    r.path("responsesRequested").asLong(),
                    errors,
                    r.path("heapPerSessionBytes").asDouble() / 1024,
                    r.path("heapPerSessionAfterTrafficBytes").asDouble() / 1024,
                    r.path("sluiceCpuUsPerMessage").asDouble(),
                    r.path("sluiceCpuCores").asDouble(),
                    r.path("clientAndFakeCpuUsPerMessage").asDouble()));
        }
        if (direct) {
            md.append(String.format("%nNo stall and no error at every size: %s.%n", noStall ? "yes" : "no"));
        } else
            md.append(String.format(
                    "%nNo stall and no error at every size: %s. Heap per open session (idle) <= %.0f KiB: %.1f KiB, %s. "
                            + "Sluice CPU per relayed message <= %.0f µs: %.1f µs, %s.%n",
                    noStall ? "PASS" : "FAIL",
                    TARGET_HEAP_PER_SESSION_KIB,
                    worstHeap,
                    worstHeap <= TARGET_HEAP_PER_SESSION_KIB ? "PASS" : "FAIL",
                    TARGET_CPU_PER_MESSAGE_US,
                    worstCpu,
                    worstCpu <= TARGET_CPU_PER_MESSAGE_US ? "PASS" : "FAIL"));
        md.append('\n');
        for (ObjectNode r : results) {
            if (direct) {
                md.append(String.format(
                        "- %d sessions: opened %d in %.1f s (handshake failures %d); fake open sessions after "
                                + "close %d; skipped turns %d; send lag max %.0f ms; load after %s%s; %s%n",
                        r.path("sessions").asInt(),
                        r.path("opened").asInt(),
                        r.path("openSeconds").asDouble(),
                        r.path("handshakeFailures").asInt(),
                        r.path("fakeRealtimeOpenAfter").asLong(),
                        r.path("skippedTurns").asLong(),
                        r.path("sendLagMaxMs").asDouble(),
                        r.path("loadAverageAfter").asText().split(" ")[0],
                        r.has("firstSessionFailure")
                                ? "; first failure: "
                                        + r.path("firstSessionFailure").asText()
                                : "",
                        stallSeconds(r.path("stallsBySecond"))));
                continue;
            }
            md.append(String.format(
                    "- %d sessions: opened %d in %.1f s (handshake failures %d), post-GC floor %.1f -> %.1f (open) -> %.1f "
                            + "(after traffic) -> %.1f MiB (closed); RSS %.0f -> %.0f MiB; threads %d -> %d -> %d; FDs %d -> %d -> %d; "
                            + "after close Sluice open sessions %d, permits %d, fake open sessions %d; skipped turns %d; send lag max %.0f ms; load after %s%s; %s%n",
                    r.path("sessions").asInt(),
                    r.path("opened").asInt(),
                    r.path("openSeconds").asDouble(),
                    r.path("handshakeFailures").asInt(),
                    mib(r, "floorBeforeBytes"),
                    mib(r, "floorOpenBytes"),
                    mib(r, "floorAfterTrafficBytes"),
                    mib(r, "floorAfterCloseBytes"),
                    mib(r, "rssBeforeBytes"),
                    mib(r, "rssOpenBytes"),
                    r.path("threadsBefore").asLong(),
                    r.path("threadsOpen").asLong(),
                    r.path("threadsAfter").asLong(),
                    r.path("fdsBefore").asLong(),
                    r.path("fdsOpen").asLong(),
                    r.path("fdsAfter").asLong(),
                    r.path("sluiceRealtimeOpenAfter").asLong(),
                    r.path("sluicePermitsAfter").asLong(),
                    r.path("fakeRealtimeOpenAfter").asLong(),
                    r.path("skippedTurns").asLong(),
                    r.path("sendLagMaxMs").asDouble(),
                    r.path("loadAverageAfter").asText().split(" ")[0],
                    r.has("firstSessionFailure")
                            ? "; first failure: "
                                    + r.path("firstSessionFailure").asText()
                            : "",
                    stallSeconds(r.path("stallsBySecond"))));
        }
        md.append('\n').append(Output.context(command, machine, sluice));
        Output.write(options.out, name, root, md.toString(), List.of(), log);
    }

    /** "stalls in K of the run's seconds, most in one second: M (longest gap X ms)". */
    private static String stallSeconds(JsonNode bySecond) {
        if (bySecond.isEmpty()) {
            return "no stall";
        }
        JsonNode worst = bySecond.get(0);
        for (JsonNode s : bySecond) {
            if (s.get(1).asLong() > worst.get(1).asLong()) {
                worst = s;
            }
        }
        return String.format(
                "stalls began in %d of the run's seconds, most in second %d: %d (longest gap %.0f ms)",
                bySecond.size(),
                worst.get(0).asInt(),
                worst.get(1).asLong(),
                worst.get(2).asDouble());
    }

    private static double mib(JsonNode n, String field) {
        return n.path(field).asDouble() / (1024 * 1024);
    }
}
