package dev.sluice.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens {@link ResourceScope}s and knows which are still open. The live set is bounded by the
 * number of requests in flight; a scope leaves it when closed. As a {@link LeakSource} it reports
 * every live scope, so a test that forgets to close one fails the leak check.
 */
public final class ScopeRegistry implements LeakSource {

    private final String name;
    private final Clock clock;
    private final Set<ResourceScope> live = ConcurrentHashMap.newKeySet();
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();

    private ScopeRegistry(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static ScopeRegistry create(String name) {
        return new ScopeRegistry(name, Clock.systemUTC());
    }

    /** As {@link #create(String)}, with the clock used for {@link ResourceScope#openedAt()}. */
    public static ScopeRegistry create(String name, Clock clock) {
        return new ScopeRegistry(name, clock);
    }

    /** Opens a live scope, e.g. {@code open("request", "req-42")}. */
    public ResourceScope open(String kind, String name) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        ResourceScope scope = new ResourceScope(this, kind, name, clock.instant());
        live.add(scope);
        opened.increment();
        return scope;
    }

    void closed(ResourceScope scope) {
        if (live.remove(scope)) {
            closed.increment();
        }
    }

    public String name() {
        return name;
    }

    public int liveScopes() {
        return live.size();
    }

    public long openedTotal() {
        return opened.sum();
    }

    public long closedTotal() {
        return closed.sum();
    }

    /** One line per live scope: kind, name and age, e.g. {@code "request req-42 age 120 ms"}. */
    public List<String> describeLive() {
        Instant now = clock.instant();
        List<String> lines = new ArrayList<>();
        for (ResourceScope scope : live) {
            long ageMillis = Math.max(0, Duration.between(scope.openedAt(), now).toMillis());
            lines.add(scope.kind() + " " + scope.name() + " age " + ageMillis + " ms");
        }
        return lines;
    }

    @Override
    public String leakSourceName() {
        return "scopes " + name;
    }

    @Override
    public List<String> leaks() {
        List<String> lines = describeLive();
        lines.replaceAll(line -> "live scope " + line + " (expected none)");
        return lines;
    }
}
