package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one {@link Limiter}: an in-flight counter moved only by a grant (a CAS against the limit
 * read at that moment, so it never exceeds it) and by {@link #release}, which only a
 * {@link Permit} calls, once. A request that finds nobody eligible queued ahead of it is granted
 * without a lock; queueing and hand-offs to waiters are the job of {@link Waiters}.
 */
final class CountingLimiter implements Limiter {

    private static final Logger LOG = System.getLogger(CountingLimiter.class.getName());
    private static final Duration LONGEST_WAIT = Duration.ofDays(1_000);

    private final String name;
    private final LimitAlgorithm algorithm;
    private final LongSupplier ticker;
    private final AdmissionGate gate;
    private final Waiters waiters;
    private final WaitQueue queue;
    private final Duration defaultMaxWait;
    private final double interactiveReserve;
    private final AtomicLong inFlight = new AtomicLong();
    /** Moving average of how long permits are held (0 until the first release): predicts queue waits. */
    private final AtomicLong holdAverageNanos = new AtomicLong();
    /** Permits granted and not yet released (at most the limit): when each is likely to end. */
    private final Set<Permit> live = ConcurrentHashMap.newKeySet();

    private final LongAdder admitted = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Map<ShedReason, LongAdder> shed = new EnumMap<>(ShedReason.class);

    CountingLimiter(
            String name,
            LimitAlgorithm algorithm,
            LongSupplier ticker,
            AdmissionGate gate,
            WaitQueue queue,
            Duration defaultMaxWait,
            double interactiveReserve) {
        this.name = Objects.requireNonNull(name, "name");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.waiters = new Waiters(this, queue, ticker);
        this.defaultMaxWait = Durations.notNegative(defaultMaxWait, "max wait");
        this.interactiveReserve = interactiveReserve;
        for (ShedReason r : ShedReason.values()) {
            shed.put(r, new LongAdder());
        }
    }

    @Override
    public Admission tryAcquire() {
        Optional<String> refusal = gate.refuse();
        if (refusal.isPresent()) {
            return shed(ShedReason.GATE, refusal.get());
        }
        return counted(tryGrant(Priority.INTERACTIVE));
    }

    @Override
    public Admission acquire(Priority priority) throws InterruptedException {
        return acquire(priority, defaultMaxWait);
    }

    @Override
    public Admission acquire(Priority priority, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(priority, "priority");
        Durations.notNegative(maxWait, "max wait");
        Optional<String> refusal = gate.refuse();
        if (refusal.isPresent()) {
            return shed(ShedReason.GATE, refusal.get());
        }
        Admission now = tryGrant(priority);
        if (now instanceof Admission.Granted || queue.capacity() == 0 || maxWait.isZero()) {
            return counted(now);
        }
        if (priority == Priority.BATCH && queue.isFull()) { // evicts nobody: no need for the lock
            return shed(ShedReason.QUEUE_FULL, waiters.queueFull());
        }
        long predicted = predictedWaitNanos(priority);
        if (2 * predicted > maxWait.toNanos()) { // likely to time out: shed now, cheaply
            return shed(
                    ShedReason.QUEUE_TIMEOUT,
                    "in-flight " + inFlight.get() + "/" + algorithm.limit()
                            + ", predicted queue wait " + predicted / 1_000_000 + " ms, more than half the "
                            + maxWait.toMillis() + " ms deadline");
        }
        return waiters.await(priority, (maxWait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : maxWait).toNanos());
    }

    /**
     * The wait a request joining the queue now can expect: each permit in flight is expected to end
     * an average hold after it was granted, and each release goes to the next in line, so with
     * {@code ahead} requests queued before it (interactive ones, for interactive) it starts when the
     * ({@code ahead}+1)-th of those ends. Releases bunch up when permits were granted together, which
     * a rate alone would miss. 0 (no prediction) until a permit has been released. It is still an
     * estimate, so a request is queued only when it fits within half its deadline: waiting only to be
     * shed at the deadline is the slow way to be told no.
     */
    private long predictedWaitNanos(Priority priority) {
        long hold = holdAverageNanos.get();
        if (hold == 0) {
            return 0;
        }
        int ahead = priority == Priority.INTERACTIVE ? queue.interactiveCount() : queue.size();
        long now = ticker.getAsLong();
        long[] remaining = live.stream()
                .mapToLong(p -> Math.max(0, p.grantedAtNanos() + hold - now))
                .sorted()
                .toArray();
        if (remaining.length == 0) {
            return 0;
        }
        int releasesNeeded = ahead + 1;
        if (releasesNeeded <= remaining.length) {
            return remaining[releasesNeeded - 1];
        }
        // more ahead than in flight: after one round of releases, one more hold per round
        int rounds = (releasesNeeded - 1) / remaining.length;
        return remaining[(releasesNeeded - 1) % remaining.length] + rounds * hold;
    }

    /** A permit if nobody eligible is queued ahead and in-flight is below this priority's share. */
    private Admission tryGrant(Priority priority) {
        while (true) {
            long current = inFlight.get();
            int limit = algorithm.limit();
            int share = share(priority, limit);
            int ahead = priority == Priority.INTERACTIVE ? queue.interactiveCount() : queue.size();
            if (current >= limit) {
                return new Admission.Rejected(ShedReason.LIMIT, "in-flight " + current + "/" + limit);
            }
            if (current >= share) {
                return new Admission.Rejected(
                        ShedReason.PRIORITY,
                        "batch: in-flight " + current + "/" + limit + " >= " + share + " ("
                                + Math.round(interactiveReserve * 100) + "% reserved for interactive)");
            }
            if (ahead > 0) {
                return new Admission.Rejected(
                        ShedReason.LIMIT, "in-flight " + current + "/" + limit + ", " + ahead + " queued ahead");
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return grant(current + 1);
            }
        }
    }

    /** For {@link Waiters}: a permit if in-flight is below this priority's share now, else null. */
    Admission.@Nullable Granted grantIfBelowShare(Priority priority) {
        while (true) {
            long current = inFlight.get();
            if (current >= share(priority, algorithm.limit())) {
                return null;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return grant(current + 1);
            }
        }
    }

    private Admission.Granted grant(long inFlightAtGrant) {
        admitted.increment();
        Permit permit = new Permit(this, ticker.getAsLong(), inFlightAtGrant);
        live.add(permit);
        return new Admission.Granted(permit);
    }

    /** Called by {@link Permit#close()} exactly once per granted permit. */
    void release(Permit permit, Outcome outcome) {
        switch (outcome) {
            case SUCCESS -> succeeded.increment();
            case FAILURE -> failed.increment();
            case CANCELLED -> cancelled.increment();
            case DROPPED -> dropped.increment();
        }
        live.remove(permit);
        inFlight.decrementAndGet();
        long held = ticker.getAsLong() - permit.grantedAtNanos();
        holdAverageNanos.getAndUpdate(avg -> avg == 0 ? Math.max(1, held) : avg + (held - avg) / 16);
        try {
            algorithm.onSample(held, permit.inFlightAtGrant(), outcome);
        } catch (RuntimeException e) { // the permit is released; a broken algorithm must not mask the body
            LOG.log(Level.WARNING, "limit algorithm " + algorithm + " of " + name + " threw on sample", e);
        } finally {
            waiters.dispatchIfQueued(); // after the sample, so a limit it raised is used at once
        }
    }

    /** How many in flight a priority may start at: the limit, or for batch the part outside the reserve. */
    private int share(Priority priority, int limit) {
        if (priority == Priority.INTERACTIVE) {
            return limit;
        }
        return Math.max(1, (int) Math.floor(limit * (1 - interactiveReserve) + 1e-9));
    }

    String state() {
        return "in-flight " + inFlight.get() + "/" + algorithm.limit();
    }

    private Admission counted(Admission admission) {
        if (admission instanceof Admission.Rejected r) {
            shedCount(r.cause()).increment();
        }
        return admission;
    }

    Admission.Rejected shed(ShedReason cause, String reason) {
        shedCount(cause).increment();
        return new Admission.Rejected(cause, reason);
    }

    private LongAdder shedCount(ShedReason cause) {
        return Objects.requireNonNull(shed.get(cause), "the constructor puts an adder for every reason");
    }

    @Override
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public int limit() {
        return algorithm.limit();
    }

    @Override
    public int queued() {
        return queue.size();
    }

    @Override
    public LimiterStats stats() {
        Map<ShedReason, Long> counts = new EnumMap<>(ShedReason.class);
        long rejected = 0;
        for (Map.Entry<ShedReason, LongAdder> e : shed.entrySet()) {
            long n = e.getValue().sum();
            counts.put(e.getKey(), n);
            rejected += n;
        }
        return new LimiterStats(
                inFlight.get(),
                algorithm.limit(),
                admitted.sum(),
                rejected,
                succeeded.sum(),
                failed.sum(),
                cancelled.sum(),
                dropped.sum(),
                queue.size(),
                counts);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String leakSourceName() {
        return "limiter " + name;
    }

    @Override
    public List<String> leaks() {
        List<String> leaks = new ArrayList<>(2);
        if (inFlight.get() > 0) {
            leaks.add("in-flight " + inFlight.get() + " (expected 0)");
        }
        if (queue.size() > 0) {
            leaks.add("queued " + queue.size() + " (expected 0)");
        }
        return List.copyOf(leaks);
    }

    @Override
    public String toString() {
        return "limiter " + name + " " + algorithm + " in-flight " + inFlight.get() + " queued " + queue.size();
    }
}
