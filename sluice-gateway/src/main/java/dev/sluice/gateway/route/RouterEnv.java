package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.ProbeScheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** Time, randomness and the probe thread of a router; tests inject their own. */
record RouterEnv(Clock clock, RandomGenerator random, Supplier<ProbeScheduler> probeScheduler) {

    /** Thread-safe: each thread draws from its own {@link ThreadLocalRandom}. */
    static final RandomGenerator THREAD_LOCAL_RANDOM =
            () -> ThreadLocalRandom.current().nextLong();

    static final Duration PROBE_CLOSE_DEADLINE = Duration.ofSeconds(5);

    static RouterEnv system() {
        return new RouterEnv(
                Clock.systemUTC(),
                THREAD_LOCAL_RANDOM,
                () -> ProbeScheduler.singleThread("sluice-route-probe", PROBE_CLOSE_DEADLINE));
    }
}
