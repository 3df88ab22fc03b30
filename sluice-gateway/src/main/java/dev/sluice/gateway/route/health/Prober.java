package dev.sluice.gateway.route.health;

import dev.sluice.core.Backoff;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Probes each open target with capped exponential backoff and jitter ({@link Backoff}) until the
 * probe says healthy (the breaker goes half-open early) or the breaker left OPEN by itself. At most
 * one probe per target is pending at any time; all share one scheduler thread.
 */
final class Prober implements Probes {

    private static final Logger LOG = System.getLogger(Prober.class.getName());

    private final Backoff backoff;
    private final RandomGenerator random;
    private final ProbeScheduler scheduler;
    private volatile boolean closed;

    Prober(Backoff backoff, RandomGenerator random, ProbeScheduler scheduler) {
        this.backoff = backoff;
        this.random = random;
        this.scheduler = scheduler;
    }

    @Override
    public void opened(TargetState t) {
        if (!closed && t.probing.compareAndSet(false, true)) {
            t.probeFailures.set(0);
            schedule(t, 1);
        }
    }

    private void schedule(TargetState t, int attempt) {
        Duration delay = backoff.delay(attempt, random);
        if (closed || !scheduler.schedule(() -> run(t), delay)) {
            t.probing.set(false);
        }
    }

    private void run(TargetState t) {
        if (closed || !t.isOpen()) {
            done(t);
            return;
        }
        boolean healthy;
        try {
            healthy = t.probe.getAsBoolean();
        } catch (Throwable e) { // a probe that throws is an unhealthy target, never a dead thread
            healthy = false;
            LOG.log(Level.DEBUG, "probe of " + t.id() + " threw " + e);
        }
        t.probes.increment();
        if (closed) {
            t.probing.set(false);
            return;
        }
        if (!healthy) {
            schedule(t, t.probeFailures.incrementAndGet() + 1);
            return;
        }
        if (t.isOpen()) {
            try {
                t.breaker().transitionToHalfOpenState();
                LOG.log(Level.INFO, "probe of " + t.id() + " succeeded; breaker half-open");
            } catch (RuntimeException e) { // another thread moved it first
                LOG.log(Level.DEBUG, "probe of " + t.id() + ": " + e);
            }
        }
        done(t);
    }

    /** Ends this target's probing; starts again if it re-opened meanwhile (no lost wake-up). */
    private void done(TargetState t) {
        t.probing.set(false);
        if (t.isOpen()) {
            opened(t);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.close();
    }
}
