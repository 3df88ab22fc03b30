package dev.sluice.gateway.route.health;

/** Health probes of open targets; {@link #NONE} when the caller supplied no probe. */
public interface Probes extends AutoCloseable {

    Probes NONE = new Probes() {
        @Override
        public void opened(TargetState target) {}

        @Override
        public void close() {}

        @Override
        public boolean isClosed() {
            return true;
        }
    };

    /**
     * Probes each open target with capped exponential backoff and jitter ({@code backoff}, {@code random})
     * on {@code scheduler}'s thread, until it is healthy or no longer open.
     */
    static Probes withBackoff(
            dev.sluice.core.Backoff backoff, java.util.random.RandomGenerator random, ProbeScheduler scheduler) {
        return new Prober(backoff, random, scheduler);
    }

    /** The target's breaker just opened: probe it until it is healthy or no longer open. */
    void opened(TargetState target);

    boolean isClosed();

    @Override
    void close();
}
