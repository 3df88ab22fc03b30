package dev.sluice.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that plants a fault on purpose. It runs only through {@link PlantedRuns#run},
 * never on its own, so a build that happened to discover it would see it disabled, not failing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(Planted.OnlyWhenPlanted.class)
@interface Planted {

    String KEY = "sluice.testkit.planted";

    final class OnlyWhenPlanted implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(KEY).filter("true"::equals).isPresent()
                    ? ConditionEvaluationResult.enabled("run by the test that planted it")
                    : ConditionEvaluationResult.disabled("planted fault: runs only through PlantedRuns.run");
        }
    }
}
