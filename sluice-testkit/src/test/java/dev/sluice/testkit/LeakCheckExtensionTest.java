package dev.sluice.testkit;

import static dev.sluice.testkit.FixedLeakSource.clean;
import static dev.sluice.testkit.FixedLeakSource.leaking;
import static dev.sluice.testkit.FixedLeakSource.settlingAfter;
import static dev.sluice.testkit.PlantedRuns.failures;
import static dev.sluice.testkit.PlantedRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Admission;
import dev.sluice.core.LeakSource;
import dev.sluice.core.Limiter;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Proves the source half of the leak check live: each case plants a source and runs through JUnit. */
@LeakChecked
class LeakCheckExtensionTest {

    @Test
    void leakingFieldFailsTheTestNamingTestSourceAndLeak() {
        EngineExecutionResults results = run(LeakingFieldCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(failures(results))
                .contains(
                        "leak check failed after test LeakingFieldCase.leavesTwoPermitsInFlight(): gateway: inFlight=2 (expected 0)");
    }

    @Test
    void aRealPermitNeverReleasedFailsTheTest() {
        EngineExecutionResults results = run(UnreleasedPermitCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(failures(results)).contains("UnreleasedPermitCase.acquiresAndForgets()", "admission", "in-flight 1");
    }

    @Test
    void cleanSourcesPass() {
        EngineExecutionResults results = run(CleanCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(0));
    }

    @Test
    void sourceThatSettlesWithinTheTimeoutPasses() {
        EngineExecutionResults results = run(SettlingCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        assertThat(SettlingCase.polls.getAsInt()).isGreaterThan(3);
    }

    @Test
    void zeroTimeoutSettingChecksOnceWithoutWaiting() {
        EngineExecutionResults results = run(SettlingCase.class, Map.of(LeakCheckExtension.TIMEOUT_KEY, "0"));

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(failures(results)).contains("upstream pool: leased=1", "after waiting 0 ms");
        assertThat(SettlingCase.polls.getAsInt()).isEqualTo(1);
    }

    @Test
    void badTimeoutSettingFailsNamingTheKeyAndTheValue() {
        EngineExecutionResults results = run(SettlingCase.class, Map.of(LeakCheckExtension.TIMEOUT_KEY, "5s"));

        assertThat(failures(results))
                .contains("sluice.leakcheck.timeout must be a whole number of milliseconds, got '5s'");
    }

    @Test
    void sourcesInArraysAndCollectionsAreAllReported() {
        EngineExecutionResults results = run(CollectionsCase.class);

        results.testEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(failures(results)).contains("pool: leased=1", "cache: pinned=3", "scopes: live=2");
    }

    @Test
    void nestedTestIsCheckedAgainstTheEnclosingInstancesSources() {
        EngineExecutionResults results = run(NestedCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(failures(results)).contains("after test Inner.runsInsideTheOuterInstance(): outer: scopes=1");
    }

    @Test
    void staticLeakFailsTheTestAndTheClass() {
        EngineExecutionResults results = run(StaticLeakCase.class);

        results.testEvents().assertStatistics(stats -> stats.failed(1));
        results.containerEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(failures(results))
                .contains(
                        "leak check failed after test class " + StaticLeakCase.class.getName() + ": listener: open=1");
    }

    @Test
    void sourceWhoseLeaksThrowsIsReportedAsLeaking() {
        EngineExecutionResults results = run(ThrowingSourceCase.class);

        results.testEvents().assertStatistics(stats -> stats.failed(1));
        assertThat(failures(results)).contains("broken: leaks() threw java.lang.IllegalStateException: closed twice");
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class LeakingFieldCase {
        final LeakSource gateway = leaking("gateway", "inFlight=2 (expected 0)");

        @Test
        void leavesTwoPermitsInFlight() {}
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class UnreleasedPermitCase {
        final Limiter admission = Limiter.fixed("admission", 4);

        @Test
        void acquiresAndForgets() {
            assertThat(admission.tryAcquire()).isInstanceOf(Admission.Granted.class); // never closed
        }
    }

    @Planted
    @LeakChecked
    static class CleanCase {
        static final LeakSource listener = clean("listener");
        final LeakSource gateway = clean("gateway");
        final List<LeakSource> pools = List.of(clean("pool a"), clean("pool b"));

        @Test
        void holdsOnlyCleanSources() {}
    }

    @Planted
    @LeakChecked
    static class SettlingCase {
        static IntSupplier polls; // not the source itself: a static source would be checked after the class too
        final FixedLeakSource pool = settlingAfter(3, "upstream pool", "leased=1");

        @Test
        void returnsItsConnectionShortlyAfterwards() {
            polls = pool::polls;
        }
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class CollectionsCase {
        final List<LeakSource> pools = List.of(clean("idle"), leaking("pool", "leased=1"));
        final LeakSource[] caches = {leaking("cache", "pinned=3")};
        final Iterable<LeakSource> scopes = List.of(leaking("scopes", "live=2"));

        @Test
        void holdsSourcesInContainers() {}
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class NestedCase {
        final LeakSource outer = leaking("outer", "scopes=1");

        @Nested
        class Inner {
            @Test
            void runsInsideTheOuterInstance() {}
        }
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class StaticLeakCase {
        static final LeakSource listener = leaking("listener", "open=1");

        @Test
        void sharesAStaticFixture() {}
    }

    @Planted
    @LeakChecked
    @LeakCheckTimeout(100)
    static class ThrowingSourceCase {
        final LeakSource broken = new LeakSource() {
            @Override
            public String leakSourceName() {
                return "broken";
            }

            @Override
            public List<String> leaks() {
                throw new IllegalStateException("closed twice");
            }
        };

        @Test
        void holdsABrokenSource() {}
    }
}
