package dev.sluice.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one phase's requests did, recorded from many virtual threads at once: counts per outcome
 * and, in microseconds from each request's intended send time, histograms of the end of completed
 * answers, of their first content event and of shed answers.
 */
final class PhaseRecorder {
    /** Latencies above this are recorded as this (10 minutes, in microseconds). */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    /** Distinct error descriptions kept per phase. */
    static final int MAX_ERROR_KINDS = 8;

    final Phase phase;
    final Schedule schedule;
    final Histogram endToEnd = histogram();
    final Histogram firstEvent = histogram();
    final Histogram shedAnswer = histogram();
    final Histogram sendLag = histogram();
    private final LongAdder completed = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private final LongAdder shedByUpstream = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder clientOverflow = new LongAdder();
    private final LongAdder disconnected = new LongAdder();
    private final AtomicLong lastShedNanos = new AtomicLong(Long.MIN_VALUE);
    private final Map<String, Long> errorKinds = new LinkedHashMap<>(); // guarded by this, bounded

    PhaseRecorder(Phase phase, Schedule schedule) {
        this.phase = phase;
        this.schedule = schedule;
    }

    /** Records a request due at {@code intendedNanos} that was sent at {@code sentNanos} and ended as {@code r}. */
    void record(long intendedNanos, long sentNanos, CallResult r) {
        sendLag.recordValue(micros(sentNanos - intendedNanos));
        switch (r.outcome()) {
            case COMPLETED -> {
                completed.increment();
                endToEnd.recordValue(micros(r.endNanos() - intendedNanos));
                firstEvent.recordValue(micros(r.firstEventNanos() - intendedNanos));
            }
            case SHED -> {
                shed.increment();
                if (r.shedByUpstream()) {
                    shedByUpstream.increment();
                }
                shedAnswer.recordValue(micros(r.endNanos() - intendedNanos));
                lastShedNanos.accumulateAndGet(r.endNanos(), Math::max);
            }
            case ERROR -> {
                errors.increment();
                countError(r.error());
            }
            case CLIENT_OVERFLOW -> clientOverflow.increment();
            case DISCONNECTED -> disconnected.increment();
        }
    }

    /** A request that was not sent because the client had too many outstanding. */
    void overflow() {
        clientOverflow.increment();
    }

    long completed() {
        return completed.sum();
    }

    long shed() {
        return shed.sum();
    }

    long shedByUpstream() {
        return shedByUpstream.sum();
    }

    long errors() {
        return errors.sum();
    }

    long clientOverflow() {
        return clientOverflow.sum();
    }

    /** Requests the client left on purpose before their end. */
    long disconnected() {
        return disconnected.sum();
    }

    /** When the last shed answer of this phase's requests arrived, if any was shed. */
    OptionalLong lastShedNanos() {
        long last = lastShedNanos.get();
        return last == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(last);
    }

    /** Up to {@link #MAX_ERROR_KINDS} error descriptions with their counts; later kinds fold into "other". */
    synchronized Map<String, Long> errorKinds() {
        return Map.copyOf(errorKinds);
    }

    private synchronized void countError(String kind) {
        String key = errorKinds.containsKey(kind) || errorKinds.size() < MAX_ERROR_KINDS - 1 ? kind : "other";
        errorKinds.merge(key, 1L, Long::sum);
    }

    static long micros(long nanos) {
        return Math.min(MAX_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }

    private static Histogram histogram() {
        return new ConcurrentHistogram(1, MAX_MICROS, 3);
    }
}
