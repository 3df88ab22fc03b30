package dev.sluice.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed authentications per client address in a fixed window: after {@code limit} failures the address
 * is refused until its window ends, then recovers. State is bounded (max addresses) and expires with the
 * window, so a flood of addresses cannot grow the heap.
 */
public final class FailureLimiter {

    private record Window(long startNanos, AtomicInteger count) {}

    private final int limit;
    private final long windowNanos;
    private final Ticker ticker;
    private final Cache<String, Window> windows;

    public FailureLimiter(int limit, Duration window, int maxAddresses, Ticker ticker) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.ticker = ticker;
        this.windows = Caffeine.newBuilder()
                .maximumSize(maxAddresses)
                .expireAfterWrite(window)
                .ticker(ticker)
                .build();
    }

    public void fail(String address) {
        windows.get(address, a -> new Window(ticker.read(), new AtomicInteger()))
                .count()
                .incrementAndGet();
    }

    /** How long the address is still refused; empty when it is not. */
    public Optional<Duration> blockedFor(String address) {
        Window w = windows.getIfPresent(address);
        if (w == null || w.count().get() < limit) {
            return Optional.empty();
        }
        long left = w.startNanos() + windowNanos - ticker.read();
        return left <= 0 ? Optional.empty() : Optional.of(Duration.ofNanos(left));
    }

    public long trackedAddresses() {
        windows.cleanUp();
        return windows.estimatedSize();
    }
}
