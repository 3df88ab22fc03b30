package dev.sluice.fake;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The requests each {@code -times-<K>} fault name has had in one provider: the first K requests naming
 * it by the same string get the fault, later ones none. Thread-safe; at most {@value #MAX_NAMES} names.
 */
final class FaultCounts {
    static final int MAX_NAMES = 10_000;

    private final ConcurrentMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /**
     * Counts this request against its fault's {@code -times-<K>}: the choice for the first K, then
     * {@link Fault.Choice#NONE}. A choice without {@code -times-} is returned as is, uncounted.
     *
     * @throws BadRequest when {@value #MAX_NAMES} other names are counted already
     */
    Fault.Choice take(Fault.Choice choice) {
        if (choice.times().isEmpty()) return choice;
        AtomicLong count = counts.get(choice.key());
        if (count == null) {
            if (counts.size() >= MAX_NAMES) {
                throw new BadRequest("fake provider counts at most " + MAX_NAMES + " '-times-' fault names");
            }
            count = counts.computeIfAbsent(choice.key(), k -> new AtomicLong());
        }
        return count.incrementAndGet() <= choice.times().getAsInt() ? choice : Fault.Choice.NONE;
    }
}
