package dev.sluice.testkit;

import dev.sluice.core.LeakSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A leak source for planted tests: leaks the given lines for the first {@code leakyPolls} polls. */
final class FixedLeakSource implements LeakSource {

    private final String name;
    private final List<String> leaks;
    private final int leakyPolls;
    private final AtomicInteger polls = new AtomicInteger();

    private FixedLeakSource(String name, List<String> leaks, int leakyPolls) {
        this.name = name;
        this.leaks = leaks;
        this.leakyPolls = leakyPolls;
    }

    static FixedLeakSource leaking(String name, String... leaks) {
        return new FixedLeakSource(name, List.of(leaks), Integer.MAX_VALUE);
    }

    static FixedLeakSource clean(String name) {
        return new FixedLeakSource(name, List.of(), 0);
    }

    /** Reports {@code leak} until it has been polled {@code leakyPolls} times, then nothing. */
    static FixedLeakSource settlingAfter(int leakyPolls, String name, String leak) {
        return new FixedLeakSource(name, List.of(leak), leakyPolls);
    }

    int polls() {
        return polls.get();
    }

    @Override
    public String leakSourceName() {
        return name;
    }

    @Override
    public List<String> leaks() {
        return polls.incrementAndGet() <= leakyPolls ? leaks : List.of();
    }
}
