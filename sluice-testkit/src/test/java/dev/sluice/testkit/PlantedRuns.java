package dev.sluice.testkit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs {@link Planted} classes through the Jupiter engine and collects what failed. */
final class PlantedRuns {

    private PlantedRuns() {}

    static EngineExecutionResults run(Class<?> plantedClass, Map<String, String> configuration) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Planted.KEY, "true")
                .configurationParameters(configuration)
                .selectors(selectClass(plantedClass))
                .execute();
    }

    static EngineExecutionResults run(Class<?> plantedClass) {
        return run(plantedClass, Map.of());
    }

    /** Every failure of a run (tests and containers, suppressed ones included), one per line. */
    static String failures(EngineExecutionResults results) {
        StringBuilder text = new StringBuilder();
        results.allEvents().failed().stream()
                .map(event -> event.getRequiredPayload(TestExecutionResult.class))
                .flatMap(result -> result.getThrowable().stream())
                .forEach(throwable -> append(text, throwable));
        return text.toString();
    }

    private static void append(StringBuilder text, Throwable throwable) {
        text.append(throwable).append('\n');
        for (Throwable suppressed : throwable.getSuppressed()) {
            append(text, suppressed);
        }
    }
}
