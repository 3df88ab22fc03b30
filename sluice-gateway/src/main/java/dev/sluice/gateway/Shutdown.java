package dev.sluice.gateway;

import dev.sluice.core.Lifecycle;
import dev.sluice.core.Limiter;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.Drain;
import dev.sluice.gateway.realtime.Sessions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** The shutdown sequence, each step logged with its duration. */
final class Shutdown {

    private static final System.Logger LOG = Sluice.log();
    private static final Duration GRACE_AFTER_TERMINATE = Duration.ofMillis(750);

    private final SluiceConfig.Shutdown cfg;
    private final Drain drain;
    private final Limiter limiter;
    private final Sessions realtime;
    private final Lifecycle lifecycle;

    Shutdown(SluiceConfig.Shutdown cfg, Drain drain, Limiter limiter, Sessions realtime, Lifecycle lifecycle) {
        this.cfg = cfg;
        this.drain = drain;
        this.limiter = limiter;
        this.realtime = realtime;
        this.lifecycle = lifecycle;
    }

    void run() {
        long t0 = System.nanoTime();
        drain.phase(Drain.Phase.PRE_DRAIN);
        LOG.log(
                Level.INFO,
                "shutdown: readiness now 503; serving new requests for "
                        + cfg.preDrain().toMillis() + " ms more, " + limiter.inFlight() + " in flight");
        waitUntil(() -> false, cfg.preDrain());
        step("pre-drain", t0);

        long t1 = System.nanoTime();
        drain.phase(Drain.Phase.DRAINING);
        // realtime sessions are waited for too (new handshakes are already refused), then told 1001
        boolean drained = waitUntil(() -> limiter.inFlight() == 0 && realtime.open() == 0, cfg.drainTimeout());
        step(
                "drain ("
                        + (drained
                                ? "all requests finished"
                                : limiter.inFlight() + " still in flight at the deadline"
                                        + (realtime.open() > 0
                                                ? ", " + realtime.open() + " realtime sessions open"
                                                : ""))
                        + ")",
                t1);
        int sessions = realtime.goingAway("Sluice is shutting down: the drain deadline of "
                + cfg.drainTimeout().toMillis() + " ms passed");
        if (sessions > 0) {
            step("closed " + sessions + " realtime sessions 1001", t1);
        }

        if (limiter.inFlight() != 0) {
            long t2 = System.nanoTime();
            int n = drain.terminateAll("Sluice is shutting down: the drain deadline of "
                    + cfg.drainTimeout().toMillis() + " ms passed");
            boolean ended = waitUntil(() -> limiter.inFlight() == 0, GRACE_AFTER_TERMINATE);
            step("terminate " + n + " open requests" + (ended ? "" : " (" + limiter.inFlight() + " did not end)"), t2);
        }
        drain.phase(Drain.Phase.STOPPED);
        long t3 = System.nanoTime();
        try {
            lifecycle.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "shutdown: some resources failed to close", e);
        }
        step("close resources", t3);
        step("shutdown complete", t0);
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier done, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(20_000_000L, Math.max(0, deadline - System.nanoTime())));
        }
        return true;
    }

    private static void step(String what, long startNanos) {
        LOG.log(Level.INFO, "shutdown: " + what + " in " + (System.nanoTime() - startNanos) / 1_000_000 + " ms");
    }
}
