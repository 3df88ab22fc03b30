package dev.sluice.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What the end of a {@link Supervised} run means for the next one: after a success the normal
 * period, after a failure (logged at WARNING) a {@link Backoff} delay that grows with the failures
 * in a row. It also keeps the counts and last results that {@link Supervised} reports.
 */
final class RestartPolicy {

    // Supervised's logger, so its log configuration still covers these lines
    private static final Logger LOG = System.getLogger(Supervised.class.getName());

    private final String name;
    private final Duration period;
    private final Backoff backoff;
    private final RandomGenerator random; // used only by the (single) running job
    private final Clock clock;

    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile @Nullable Instant lastSuccess;
    private volatile @Nullable String lastError;

    RestartPolicy(String name, Duration period, Backoff backoff, RandomGenerator random, Clock clock) {
        this.name = name;
        this.period = period;
        this.backoff = backoff;
        this.random = random;
        this.clock = clock;
    }

    /** Records a successful run; the next one comes a period later. */
    Duration succeeded() {
        runs.incrementAndGet();
        consecutiveFailures.set(0);
        lastSuccess = clock.instant();
        return period;
    }

    /** Records and logs a failed run; returns the backoff delay before the retry. */
    Duration failed(Throwable t) {
        runs.incrementAndGet();
        failures.incrementAndGet();
        int n = consecutiveFailures.incrementAndGet();
        lastError = t.getClass().getName() + ": " + t.getMessage();
        Duration delay = backoff.delay(n, random);
        LOG.log(
                Level.WARNING,
                "job " + name + " failed (" + n + " in a row, " + failures.get() + " in all); retrying in "
                        + delay.toMillis() + " ms",
                t);
        return delay;
    }

    long runs() {
        return runs.get();
    }

    long failures() {
        return failures.get();
    }

    int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }
}
