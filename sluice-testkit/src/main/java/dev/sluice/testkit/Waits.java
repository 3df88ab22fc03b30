package dev.sluice.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Polls a probe until its value is acceptable or time runs out; answers the last value seen. */
final class Waits {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private Waits() {}

    /**
     * Polls {@code probe} on the calling thread (no extra threads, no sleeping) until {@code done}
     * accepts its value or {@code timeout} passes, and returns the last value observed. A zero
     * timeout probes exactly once.
     */
    static <T> T lastObserved(Supplier<T> probe, Predicate<T> done, Duration timeout) {
        T first = probe.get();
        if (done.test(first) || timeout.isZero()) {
            return first;
        }
        AtomicReference<T> last = new AtomicReference<>(first);
        try {
            Awaitility.await()
                    .pollInSameThread()
                    .dontCatchUncaughtExceptions()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL_INTERVAL)
                    .atMost(timeout)
                    .until(() -> {
                        T now = probe.get();
                        last.set(now);
                        return done.test(now);
                    });
        } catch (ConditionTimeoutException e) {
            // The caller reports what was still wrong; the timeout itself says nothing more.
        }
        return last.get();
    }
}
