package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one {@link Limiter}: an in-flight counter moved only by a grant (a CAS against the limit
 * read at that moment, so it never exceeds it) and by {@link #release}, which only a
 * {@link Permit} calls, once. A request that finds nobody eligible queued ahead of it is granted
 * without a lock; queueing and hand-offs to waiters are the job of {@link Waiters}. Hold times
 * and the queue-wait prediction are kept by {@link HoldTimes}, the batch share by
 * {@link InteractiveReserve}, and the counts behind {@link #stats()} by {@link LimiterCounters}.
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
    private final InteractiveReserve reserve;
    private final AtomicLong inFlight = new AtomicLong();
    private final HoldTimes holds;
    private final LimiterCounters counters = new LimiterCounters();

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
        this.holds = new HoldTimes(ticker);
        this.defaultMaxWait = Durations.notNegative(defaultMaxWait, "max wait");
        this.reserve = new InteractiveReserve(interactiveReserve);
    }

    @Override
    public Admission tryAcquire() {
        Optional<String> refusal = gate.refuse();
        if (refusal.isPresent()) {
            return shed(ShedReason.GATE, refusal.get());
        }
        return counters.counted(tryGrant(Priority.INTERACTIVE));
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
        if (!(now instanceof Admission.Rejected refused)) {
            return now;
        }
        Optional<Admission.Rejected> shed = shedBeforeQueue(priority, refused, maxWait);
        return shed.isPresent()
                ? shed.get()
                : waiters.await(priority, (maxWait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : maxWait).toNanos());
    }

    @Override
    public Optional<Admission.Rejected> shedNow(Priority priority, Duration maxWait) {
        Objects.requireNonNull(priority, "priority");
        Durations.notNegative(maxWait, "max wait");
        Optional<String> refusal = gate.refuse();
        if (refusal.isPresent()) {
            return Optional.of(shed(ShedReason.GATE, refusal.get()));
        }
        Optional<Admission.Rejected> full = fullAt(priority, inFlight.get()); // a free permit may be gone later
        return full.isEmpty() ? full : shedBeforeQueue(priority, full.get(), maxWait);
    }

    /**
     * After a refused grant: the shed, counted, that comes without queueing (no queue, no wait, a full queue with
     * nobody this priority may evict, or a predicted wait over half {@code maxWait}); empty when it would queue.
     */
    private Optional<Admission.Rejected> shedBeforeQueue(
            Priority priority, Admission.Rejected refused, Duration maxWait) {
        if (queue.capacity() == 0 || maxWait.isZero()) {
            counters.counted(refused);
            return Optional.of(refused);
        }
        // a full queue sheds a batch request, and an interactive one unless a batch waiter can be evicted for it
        if (queue.isFull() && (priority == Priority.BATCH || queue.interactiveCount() >= queue.size())) {
            return Optional.of(shed(ShedReason.QUEUE_FULL, waiters.queueFull()));
        }
        long predicted = holds.predictedWaitNanos(ahead(priority));
        if (2 * predicted > maxWait.toNanos()) { // likely to time out: shed now, cheaply
            return Optional.of(shed(
                    ShedReason.QUEUE_TIMEOUT,
                    state() + ", predicted queue wait " + predicted / 1_000_000 + " ms, more than half the "
                            + maxWait.toMillis() + " ms deadline"));
        }
        return Optional.empty();
    }

    /** Why no permit can be granted to {@code priority} with {@code current} in flight, empty if one can. */
    private Optional<Admission.Rejected> fullAt(Priority priority, long current) {
        int limit = algorithm.limit();
        int share = reserve.share(priority, limit);
        int ahead = ahead(priority);
        if (current >= limit) {
            return Optional.of(new Admission.Rejected(ShedReason.LIMIT, "in-flight " + current + "/" + limit));
        }
        if (current >= share) {
            return Optional.of(reserve.refuseBatch(current, limit, share));
        }
        if (ahead > 0) {
            return Optional.of(new Admission.Rejected(
                    ShedReason.LIMIT, "in-flight " + current + "/" + limit + ", " + ahead + " queued ahead"));
        }
        return Optional.empty();
    }

    /** The waiters a request of {@code priority} would queue behind: the interactive ones, for interactive. */
    private int ahead(Priority priority) {
        return priority == Priority.INTERACTIVE ? queue.interactiveCount() : queue.size();
    }

    /** A permit if nobody eligible is queued ahead and in-flight is below this priority's share. */
    private Admission tryGrant(Priority priority) {
        while (true) {
            long current = inFlight.get();
            Optional<Admission.Rejected> full = fullAt(priority, current);
            if (full.isPresent()) {
                return full.get();
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
            if (current >= reserve.share(priority, algorithm.limit())) {
                return null;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                return grant(current + 1);
            }
        }
    }

    private Admission.Granted grant(long inFlightAtGrant) {
        counters.admitted();
        Permit permit = new Permit(this, ticker.getAsLong(), inFlightAtGrant);
        holds.granted(permit);
        return new Admission.Granted(permit);
    }

    /** Called by {@link Permit#close()} exactly once per granted permit. */
    void release(Permit permit, Outcome outcome) {
        counters.released(outcome);
        holds.released(permit);
        inFlight.decrementAndGet();
        long held = holds.recordHold(permit);
        try {
            algorithm.onSample(held, permit.inFlightAtGrant(), outcome);
        } catch (RuntimeException e) { // the permit is released; a broken algorithm must not mask the body
            LOG.log(Level.WARNING, "limit algorithm " + algorithm + " of " + name + " threw on sample", e);
        } finally {
            waiters.dispatchIfQueued(); // after the sample, so a limit it raised is used at once
        }
    }

    String state() {
        return "in-flight " + inFlight.get() + "/" + algorithm.limit();
    }

    Admission.Rejected shed(ShedReason cause, String reason) {
        return counters.shed(cause, reason);
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
        return counters.stats(inFlight.get(), algorithm.limit(), queue.size());
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
        return java.util.stream.Stream.of(
                        inFlight.get() > 0 ? "in-flight " + inFlight.get() + " (expected 0)" : "",
                        queue.size() > 0 ? "queued " + queue.size() + " (expected 0)" : "")
                .filter(leak -> !leak.isEmpty())
                .toList();
    }

    @Override
    public String toString() {
        return "limiter " + name + " " + algorithm + " in-flight " + inFlight.get() + " queued " + queue.size();
    }
}
