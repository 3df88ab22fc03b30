package dev.sluice.gateway.route;

/** Health probes of open targets; {@link #NONE} when the caller supplied no probe. */
interface Probes extends AutoCloseable {

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

    /** The target's breaker just opened: probe it until it is healthy or no longer open. */
    void opened(TargetState target);

    boolean isClosed();

    @Override
    void close();
}
