package dev.sluice.gateway.limits;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-minute token buckets by name: {@code capacity} tokens, all refilled at once each minute (so "100
 * requests/min" admits 100 in any minute window that starts with a full bucket, never more).
 */
interface RateBuckets extends AutoCloseable {

    /** Takes {@code tokens}; empty when taken, else how long until they would be there. */
    Optional<Duration> tryTake(String name, long capacity, long tokens);

    /** Takes {@code tokens} even into debt (actual usage reported after the fact). */
    void takeAnyway(String name, long capacity, long tokens);

    /** Gives back tokens taken by a request that was refused by a later check. */
    void giveBack(String name, long capacity, long tokens);

    @Override
    void close();
}
