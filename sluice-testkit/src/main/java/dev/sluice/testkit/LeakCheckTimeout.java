package dev.sluice.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How long {@link LeakCheckExtension} waits for the leak sources of this test class (and its
 * {@code @Nested} classes) to become clean, overriding the {@code sluice.leakcheck.timeout}
 * setting. Use it for classes whose fixtures legitimately take longer to settle.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LeakCheckTimeout {

    /** The wait in milliseconds; zero checks once without waiting. */
    long value();
}
