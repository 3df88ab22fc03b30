package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the heap floor once a second while the benchmark runs: {@code memory.floorBytes} from
 * Sluice's {@code GET /system/stats} when it reports one (after at least one GC), else the post-GC
 * usage of this JVM's old generation ({@link MemoryPoolMXBean#getCollectionUsage()}). Sluice runs in
 * this JVM, so both measure the same heap: Sluice, the fake provider and the load generator.
 */
final class HeapSampler implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final String FROM_SLUICE = "sluice /system/stats memory.floorBytes";
    static final String FROM_JVM = "JVM old-gen collection usage (MemoryPoolMXBean)";

    /**
     * One sample.
     *
     * @param atNanos    when, on the {@link System#nanoTime()} scale
     * @param floorBytes the post-GC old-generation floor, -1 before any GC measured it
     * @param source     {@link #FROM_SLUICE} or {@link #FROM_JVM}
     * @param inFlight   Sluice's {@code inFlight}, -1 when the stats could not be read
     */
    record Sample(long atNanos, long floorBytes, String source, long inFlight) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrafficClient client;
    private final URI stats;
    private final int maxSamples;
    private final List<Sample> samples = new ArrayList<>(); // guarded by this, at most maxSamples
    private final Thread thread;
    private volatile boolean running = true;

    private HeapSampler(TrafficClient client, URI sluice, Duration longest) {
        this.client = client;
        this.stats = sluice.resolve("/system/stats");
        this.maxSamples = (int) Math.min(1_000_000, longest.toSeconds() / INTERVAL.toSeconds() + 1);
        this.thread =
                Thread.ofPlatform().daemon().name("sluice-bench-heap-sampler").unstarted(this::loop);
    }

    /** Starts sampling {@code sluice}'s stats; stops by itself after {@code longest}. */
    static HeapSampler start(TrafficClient client, URI sluice, Duration longest) {
        HeapSampler sampler = new HeapSampler(client, sluice, longest);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        long next = System.nanoTime();
        for (int i = 0; i < maxSamples && running; i++) {
            Sample s = sample();
            synchronized (this) {
                samples.add(s);
            }
            next += INTERVAL.toNanos();
            Park.until(next);
        }
    }

    private Sample sample() {
        long at = System.nanoTime();
        try {
            JsonNode root = JSON.readTree(client.get(stats, Duration.ofSeconds(2)));
            long inFlight = root.path("inFlight").asLong(-1);
            JsonNode memory = root.path("memory");
            if (memory.has("floorBytes")
                    && memory.path("samples").asLong(0) > 0
                    && memory.path("floorBytes").asLong() > 0) {
                return new Sample(at, memory.path("floorBytes").asLong(), FROM_SLUICE, inFlight);
            }
            return new Sample(at, jvmFloor().orElse(-1), FROM_JVM, inFlight);
        } catch (IOException e) {
            return new Sample(at, jvmFloor().orElse(-1), FROM_JVM, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample(at, jvmFloor().orElse(-1), FROM_JVM, -1);
        }
    }

    /** The used bytes of the old generation after the last GC that measured it. */
    static OptionalLong jvmFloor() {
        return oldGen().map(MemoryPoolMXBean::getCollectionUsage)
                .filter(u -> u.getCommitted() > 0)
                .map(MemoryUsage::getUsed)
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty());
    }

    private static Optional<MemoryPoolMXBean> oldGen() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .filter(p -> {
                    String n = p.getName().toLowerCase(Locale.ROOT);
                    return n.contains("old gen") || n.contains("tenured") || n.equals("zheap");
                })
                .findFirst();
    }

    /** The samples so far, oldest first. */
    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The last sample with a floor taken in {@code [fromNanos, toNanos)}. */
    synchronized Optional<Sample> lastIn(long fromNanos, long toNanos) {
        Sample found = null;
        for (Sample s : samples) {
            if (s.atNanos() >= fromNanos && s.atNanos() < toNanos && s.floorBytes() >= 0) {
                found = s;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Stops sampling and waits for the sampler thread, at most two intervals. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(INTERVAL.multipliedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
