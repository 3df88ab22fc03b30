package dev.sluice.testkit;

import dev.sluice.core.LeakSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Fails a test that leaves something held: a permit in flight, a live request scope, an open
 * upstream exchange, a thread still running. Put {@code @ExtendWith(LeakCheckExtension.class)}
 * or {@link LeakChecked @LeakChecked} on every integration test class.
 *
 * <p><b>After each test</b> it finds every {@link LeakSource} held in a field of the test: the
 * instance and static fields of the test class and its superclasses, and of the enclosing
 * instances of a {@code @Nested} class. A field counts when its value is a {@code LeakSource} or an
 * array or {@link Iterable} of them. It waits until all of them report no leaks, then fails the
 * test with one line per leak, e.g. {@code leak check failed after test ChatIT.streams():
 * gateway: inFlight=2 (expected 0)}.
 *
 * <p><b>After the class</b> it checks the static fields the same way (and the instance fields when
 * the class uses {@code @TestInstance(PER_CLASS)}), then waits until no non-daemon thread is alive
 * that was not alive before the class started, and fails listing each such thread with its top
 * stack frames. This assumes test classes in one JVM run one at a time (Surefire's default).
 * Fixtures registered as static {@code @RegisterExtension} fields run their {@code afterAll}
 * before this one, so the threads and connections they close are gone by the time it looks.
 *
 * <p>Settings, each a JUnit configuration parameter or a system property:
 * <ul>
 *   <li>{@value #TIMEOUT_KEY} (ms, default 5000): how long leak sources may take to settle;
 *       {@link LeakCheckTimeout @LeakCheckTimeout} on the class overrides it;
 *   <li>{@value #THREAD_LINGER_KEY} (ms, default 2000): how long new threads may take to end.
 * </ul>
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** Configuration key for the leak source wait, in milliseconds. */
    public static final String TIMEOUT_KEY = "sluice.leakcheck.timeout";
    /** Configuration key for the new-thread wait, in milliseconds. */
    public static final String THREAD_LINGER_KEY = "sluice.leakcheck.threadLinger";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_THREAD_LINGER = Duration.ofSeconds(2);
    private static final Namespace NAMESPACE = Namespace.create(LeakCheckExtension.class);

    /** Instantiated by JUnit through {@code @ExtendWith}. */
    public LeakCheckExtension() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put(context.getRequiredTestClass(), ThreadSnapshot.take());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<LeakSource> sources =
                LeakSources.inInstances(context.getRequiredTestInstances().getAllInstances());
        checkSources(sources, "test " + testName(context), leakTimeout(context));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        String subject = "test class " + testClass.getName();
        List<LeakSource> sources = new ArrayList<>(LeakSources.inStatics(testClass));
        context.getTestInstance().ifPresent(instance -> sources.addAll(LeakSources.inInstances(List.of(instance))));
        AssertionError failure = null;
        try {
            checkSources(sources, subject, leakTimeout(context));
        } catch (AssertionError e) {
            failure = e;
        }
        ThreadSnapshot before = context.getStore(NAMESPACE).get(testClass, ThreadSnapshot.class);
        if (before != null) {
            try {
                checkThreads(before, subject, threadLinger(context));
            } catch (AssertionError e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void checkSources(List<LeakSource> sources, String subject, Duration timeout) {
        if (sources.isEmpty()) {
            return;
        }
        List<String> leaks = Waits.lastObserved(() -> LeakSources.currentLeaks(sources), List::isEmpty, timeout);
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message =
                new StringBuilder("leak check failed after ").append(subject).append(": ");
        if (leaks.size() == 1) {
            message.append(leaks.get(0));
        } else {
            message.append(leaks.size()).append(" leaks:");
            leaks.forEach(leak -> message.append("\n  ").append(leak));
        }
        message.append("\n(still held after waiting ")
                .append(timeout.toMillis())
                .append(" ms; set @LeakCheckTimeout or ")
                .append(TIMEOUT_KEY)
                .append(" if the fixture legitimately needs longer)");
        throw new AssertionError(message.toString());
    }

    private static void checkThreads(ThreadSnapshot before, String subject, Duration linger) {
        List<Thread> lingering = Waits.lastObserved(before::newThreads, List::isEmpty, linger);
        if (lingering.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("thread leak check failed after ")
                .append(subject)
                .append(": ")
                .append(lingering.size())
                .append(" non-daemon thread(s) started during the class still alive after ")
                .append(linger.toMillis())
                .append(" ms:");
        for (Thread thread : lingering) {
            message.append("\n  ").append(ThreadSnapshot.describe(thread));
        }
        throw new AssertionError(message.toString());
    }

    private static String testName(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName() + "()";
        String name = context.getRequiredTestClass().getSimpleName() + "." + method;
        return context.getDisplayName().equals(method) ? name : name + " [" + context.getDisplayName() + "]";
    }

    private static Duration leakTimeout(ExtensionContext context) {
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            LeakCheckTimeout annotation = c.getAnnotation(LeakCheckTimeout.class);
            if (annotation != null) {
                return millis(annotation.value(), "@LeakCheckTimeout on " + c.getName());
            }
        }
        return setting(context, TIMEOUT_KEY).orElse(DEFAULT_TIMEOUT);
    }

    private static Duration threadLinger(ExtensionContext context) {
        return setting(context, THREAD_LINGER_KEY).orElse(DEFAULT_THREAD_LINGER);
    }

    private static Optional<Duration> setting(ExtensionContext context, String key) {
        return context.getConfigurationParameter(key).map(String::strip).map(value -> {
            try {
                return millis(Long.parseLong(value), key);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        key + " must be a whole number of milliseconds, got '" + value + "'", e);
            }
        });
    }

    private static Duration millis(long value, String where) {
        if (value < 0) {
            throw new IllegalArgumentException(where + " must not be negative, got " + value);
        }
        return Duration.ofMillis(value);
    }
}
