package dev.sluice.bench;

import dev.sluice.fake.FakeProvider;
import dev.sluice.gateway.Sluice;
import dev.sluice.gateway.config.load.ConfigKey;
import dev.sluice.gateway.config.load.ConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The overload scenario: a fake provider with S model slots streaming ~1 s answers (capacity
 * C = S requests per second), Sluice in front of it admitting S at once, both in this JVM, and an
 * open-loop load of 0.8x C (baseline), then 0.5x, 1x, 2x, 5x, 10x C and 0.5x C again (recovery).
 */
final class OverloadScenario {
    /** Answer shape of the fake: 20 deltas 50 ms apart, about 1 s per streamed answer. */
    static final int DELTAS = 20;

    static final Duration DELTA_INTERVAL = Duration.ofMillis(50);
    /** How long a request may wait for response headers. */
    static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
    /** How long open requests get to end after the last phase, before the client aborts them. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param slots          S: the fake's model slots and Sluice's admission.max-in-flight
     * @param phase          length of each load phase
     * @param baseline       length of the 0.8x C baseline phase
     * @param warmup         length of the unreported 0.5x C warm-up before the baseline
     * @param maxOutstanding requests the client keeps open at most
     * @param queueSize      admission.queue-size, passed when the key exists
     * @param queueTimeout   admission.queue-timeout, passed when the key exists
     */
    record Settings(
            int slots,
            Duration phase,
            Duration baseline,
            Duration warmup,
            int maxOutstanding,
            int queueSize,
            String queueTimeout) {
        Settings {
            if (slots < 1) {
                throw new IllegalArgumentException("--slots must be at least 1, was " + slots);
            }
        }

        /** C, requests per second: S slots, each busy about 1 s per answer. */
        double capacityPerSecond() {
            return slots / (DELTAS * DELTA_INTERVAL.toNanos() / 1e9);
        }

        List<Phase> phases() {
            List<Phase> phases = new ArrayList<>();
            if (!warmup.isZero()) {
                phases.add(new Phase("warm-up", 0.5, warmup, Phase.Kind.WARMUP));
            }
            phases.add(new Phase("baseline 0.8x", 0.8, baseline, Phase.Kind.BASELINE));
            for (double f : new double[] {0.5, 1, 2, 5, 10}) {
                phases.add(new Phase(factor(f) + "x", f, phase, Phase.Kind.LOAD));
            }
            phases.add(new Phase("recovery 0.5x", 0.5, phase, Phase.Kind.RECOVERY));
            return phases;
        }

        Duration total() {
            return phases().stream().map(Phase::length).reduce(Duration.ZERO, Duration::plus);
        }
    }

    /**
     * What a run measured.
     *
     * @param config      the Sluice settings passed
     * @param skippedKeys settings left out because this Sluice has no such key
     * @param phases      every reported phase (not the warm-up), in order
     * @param heapSources where the heap floors came from
     * @param drained     whether every request had ended within the drain timeout
     * @param finalStats  Sluice's /system/stats at the end, as JSON text ("" if unreadable)
     */
    record Result(
            Settings settings,
            Map<String, String> config,
            List<String> skippedKeys,
            List<PhaseSummary> phases,
            Set<String> heapSources,
            List<HeapSampler.Sample> heapSamples,
            long runStartNanos,
            boolean drained,
            String finalStats,
            Instant started,
            Instant finished) {}

    private OverloadScenario() {}

    static Result run(Settings s, PrintStream log) throws Exception {
        Instant started = Instant.now();
        try (FakeProvider fake = FakeProvider.builder()
                .slots(s.slots())
                .deltas(DELTAS)
                .deltaInterval(DELTA_INTERVAL)
                .start()) {
            Map<String, String> wanted = new LinkedHashMap<>();
            wanted.put("server.port", "0");
            wanted.put("demo.mode", "off");
            wanted.put("upstream.url", fake.baseUri().toString());
            wanted.put("upstream.api-key", "bench");
            wanted.put("log.requests", "false");
            wanted.put("admission.max-in-flight", Integer.toString(s.slots()));
            wanted.put("admission.queue-size", Integer.toString(s.queueSize()));
            wanted.put("admission.queue-timeout", s.queueTimeout());
            wanted.put("shutdown.pre-drain", "0"); // no load balancer to warn at the end of a run
            wanted.put(
                    "store.url",
                    "jdbc:sqlite:" + java.nio.file.Files.createTempDirectory("sluice-bench") + "/sluice.db");
            Set<String> known = ConfigLoader.keys().stream().map(ConfigKey::key).collect(Collectors.toSet());
            Map<String, String> config = new LinkedHashMap<>(wanted);
            config.keySet().retainAll(known);
            List<String> skipped =
                    wanted.keySet().stream().filter(k -> !known.contains(k)).toList();
            log.println("sluice-bench: Sluice settings " + config
                    + (skipped.isEmpty() ? "" : "; skipped (no such key in this Sluice): " + skipped));
            try (Sluice sluice = Sluice.start(ConfigLoader.of(config))) {
                return drive(s, sluice, config, skipped, started, log);
            }
        }
    }

    private static Result drive(
            Settings s,
            Sluice sluice,
            Map<String, String> config,
            List<String> skipped,
            Instant started,
            PrintStream log)
            throws Exception {
        double capacity = s.capacityPerSecond();
        long runStart = System.nanoTime() + Duration.ofMillis(200).toNanos();
        List<PhaseRecorder> recorders = OpenLoop.plan(s.phases(), capacity, runStart);
        boolean drained;
        String finalStats = "";
        List<PhaseSummary> summaries = new ArrayList<>();
        Set<String> sources = new TreeSet<>();
        List<HeapSampler.Sample> samples;
        try (TrafficClient client = TrafficClient.create(sluice.baseUri(), HEADERS_TIMEOUT)) {
            Duration longest = s.total().plus(DRAIN_TIMEOUT).plusSeconds(10);
            HeapSampler sampler = HeapSampler.start(client, sluice.baseUri(), longest);
            try {
                TrafficClient.Call call = TrafficClient.Call.complete(TrafficClient.Dialect.ANTHROPIC, true, "bench");
                OpenLoop loop = new OpenLoop(() -> client.call(call), s.maxOutstanding());
                loop.run(
                        recorders,
                        r -> log.printf(
                                "sluice-bench: phase %-14s %7.1f req/s for %d s%n",
                                r.phase.name(),
                                r.schedule.perSecond(),
                                r.phase.length().toSeconds()));
                drained = loop.awaitIdle(DRAIN_TIMEOUT);
                if (!drained) {
                    log.println("sluice-bench: " + loop.open() + " requests still open after " + DRAIN_TIMEOUT
                            + "; aborting them (counted as errors)");
                }
                try {
                    finalStats = client.get(sluice.baseUri().resolve("/system/stats"), Duration.ofSeconds(2));
                } catch (IOException e) {
                    log.println("sluice-bench: could not read /system/stats at the end: " + e);
                }
            } finally {
                sampler.close();
            }
            samples = sampler.samples();
            for (PhaseRecorder r : recorders) {
                if (r.phase.kind() == Phase.Kind.WARMUP) {
                    continue;
                }
                long end = r.schedule.startNanos() + r.phase.length().toNanos();
                var floor = sampler.lastIn(r.schedule.startNanos(), end);
                floor.ifPresent(f -> sources.add(f.source()));
                summaries.add(PhaseSummary.of(
                        r,
                        capacity,
                        floor.map(f -> OptionalDouble.of(f.floorBytes() / (1024.0 * 1024.0)))
                                .orElse(OptionalDouble.empty())));
            }
        }
        return new Result(
                s, config, skipped, summaries, sources, samples, runStart, drained, finalStats, started, Instant.now());
    }

    private static String factor(double f) {
        return f == Math.rint(f) ? Long.toString((long) f) : Double.toString(f);
    }
}
