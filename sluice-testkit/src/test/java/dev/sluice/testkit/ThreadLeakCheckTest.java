package dev.sluice.testkit;

import static dev.sluice.testkit.PlantedRuns.failures;
import static dev.sluice.testkit.PlantedRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Proves the thread half of the leak check live: planted classes start threads and run through JUnit. */
@LeakChecked
class ThreadLeakCheckTest {

    private static final Map<String, String> SHORT_LINGER = Map.of(LeakCheckExtension.THREAD_LINGER_KEY, "200");

    private static volatile CountDownLatch release = new CountDownLatch(1);
    private static volatile Thread planted;

    @AfterEach
    void releasePlantedThread() throws InterruptedException {
        release.countDown();
        Thread thread = planted;
        if (thread != null) {
            thread.join(Duration.ofSeconds(5));
            assertThat(thread.isAlive()).as("planted thread ended").isFalse();
        }
        planted = null;
        release = new CountDownLatch(1);
    }

    @Test
    void nonDaemonThreadLeftRunningFailsTheClassWithItsNameAndStack() {
        EngineExecutionResults results = run(NonDaemonThreadCase.class, SHORT_LINGER);

        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(failures(results))
                .contains(
                        "thread leak check failed after test class " + NonDaemonThreadCase.class.getName(),
                        "\"planted-worker\"",
                        "at java.base/java.util.concurrent.CountDownLatch.await",
                        "still alive after 200 ms");
    }

    @Test
    void daemonThreadLeftRunningIsIgnored() {
        EngineExecutionResults results = run(DaemonThreadCase.class, SHORT_LINGER);

        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        assertThat(planted.isAlive())
                .as("the daemon thread was still running during the check")
                .isTrue();
    }

    @Test
    void threadStoppedByTheClassTeardownPasses() {
        EngineExecutionResults results = run(StoppedInTeardownCase.class, SHORT_LINGER);

        results.containerEvents().assertStatistics(stats -> stats.failed(0));
        results.testEvents().assertStatistics(stats -> stats.succeeded(1));
    }

    private static void startPlanted(boolean daemon) {
        CountDownLatch latch = release;
        planted = Thread.ofPlatform().name("planted-worker").daemon(daemon).start(() -> {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Planted
    @LeakChecked
    static class NonDaemonThreadCase {
        @Test
        void startsAWorkerAndForgetsIt() {
            startPlanted(false);
        }
    }

    @Planted
    @LeakChecked
    static class DaemonThreadCase {
        @Test
        void startsADaemonAndForgetsIt() {
            startPlanted(true);
        }
    }

    @Planted
    @LeakChecked
    static class StoppedInTeardownCase {
        @AfterAll
        static void stopWorker() {
            release.countDown();
        }

        @Test
        void startsAWorkerThatTeardownStops() {
            startPlanted(false);
        }
    }
}
