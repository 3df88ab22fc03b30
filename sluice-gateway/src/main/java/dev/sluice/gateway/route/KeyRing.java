package dev.sluice.gateway.route;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The API keys of one provider: round-robin over the keys not cooling down; when all are, the one
 * whose cooldown ends first. Lock-free; fixed size.
 */
final class KeyRing {

    static final int NO_KEY = -1;

    private final List<String> keys;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray coolUntil; // epoch millis
    private final Clock clock;

    KeyRing(List<String> keys, Clock clock) {
        this.keys = List.copyOf(keys);
        this.coolUntil = new AtomicLongArray(this.keys.size());
        this.clock = clock;
    }

    /** The index of the key to use now, or {@link #NO_KEY} when the provider has none. */
    int pick() {
        int n = keys.size();
        if (n == 0) {
            return NO_KEY;
        }
        long now = clock.millis();
        int start = Math.floorMod(next.getAndIncrement(), n);
        int soonest = start;
        for (int i = 0; i < n; i++) {
            int k = (start + i) % n;
            long until = coolUntil.get(k);
            if (until <= now) {
                return k;
            }
            if (until < coolUntil.get(soonest)) {
                soonest = k;
            }
        }
        return soonest;
    }

    Optional<String> key(int index) {
        return index == NO_KEY ? Optional.empty() : Optional.of(keys.get(index));
    }

    void coolDown(int index, Duration duration) {
        if (index == NO_KEY) {
            return;
        }
        long until = clock.millis() + Math.max(0, duration.toMillis());
        coolUntil.accumulateAndGet(index, until, Math::max);
    }

    /** Whether some key is not cooling down now. */
    boolean anyReady() {
        long now = clock.millis();
        for (int i = 0; i < keys.size(); i++) {
            if (coolUntil.get(i) <= now) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return keys.size();
    }
}
