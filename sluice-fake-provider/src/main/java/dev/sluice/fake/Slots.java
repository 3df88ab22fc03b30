package dev.sluice.fake;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** The fake's model capacity: at most {@code size} answers generated at once; 0 is unlimited. */
final class Slots {
    /** Held while an answer is generated; released exactly once by {@link #close()}. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Permit UNLIMITED = () -> {};

    private final int size;
    private final Semaphore semaphore;

    Slots(int size) {
        this.size = size;
        this.semaphore = size == 0 ? null : new Semaphore(size);
    }

    /** A permit, or empty when every slot is busy. */
    Optional<Permit> tryAcquire() {
        if (semaphore == null) return Optional.of(UNLIMITED);
        if (!semaphore.tryAcquire()) return Optional.empty();
        AtomicBoolean released = new AtomicBoolean();
        return Optional.of(() -> {
            if (released.compareAndSet(false, true)) semaphore.release();
        });
    }

    /** For rejection messages, e.g. {@code "slots 4/4 busy"}. */
    String describe() {
        return semaphore == null
                ? "slots unlimited"
                : "slots " + (size - semaphore.availablePermits()) + "/" + size + " busy";
    }
}
