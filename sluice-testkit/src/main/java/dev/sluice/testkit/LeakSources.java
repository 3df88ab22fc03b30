package dev.sluice.testkit;

import dev.sluice.core.LeakSource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link LeakSource}s a test holds in its fields and asks them what they still hold.
 * A field counts when its value is a {@code LeakSource}, or an array or {@link Iterable} whose
 * elements are; nothing is searched deeper than that.
 */
final class LeakSources {

    private LeakSources() {}

    /** Sources in the instance and static fields of each instance's class and its superclasses. */
    static List<LeakSource> inInstances(List<Object> instances) {
        List<LeakSource> found = new ArrayList<>();
        for (Object instance : instances) {
            for (Class<?> c = instance.getClass(); isTestCode(c); c = c.getSuperclass()) {
                collectFields(c, instance, found);
            }
        }
        return found;
    }

    /** Sources in the static fields of a class and its superclasses. */
    static List<LeakSource> inStatics(Class<?> testClass) {
        List<LeakSource> found = new ArrayList<>();
        for (Class<?> c = testClass; isTestCode(c); c = c.getSuperclass()) {
            collectFields(c, null, found);
        }
        return found;
    }

    /** One line per leak, {@code "<source name>: <leak>"}; empty when every source is clean. */
    static List<String> currentLeaks(List<LeakSource> sources) {
        List<String> lines = new ArrayList<>();
        for (LeakSource source : sources) {
            String name = nameOf(source);
            try {
                for (String leak : source.leaks()) {
                    lines.add(name + ": " + leak);
                }
            } catch (RuntimeException e) {
                lines.add(name + ": leaks() threw " + e);
            }
        }
        return lines;
    }

    private static String nameOf(LeakSource source) {
        try {
            return source.leakSourceName();
        } catch (RuntimeException e) {
            return source.getClass().getName() + " (leakSourceName() threw " + e + ")";
        }
    }

    private static boolean isTestCode(Class<?> c) {
        return c != null && c != Object.class && !c.getName().startsWith("java.");
    }

    private static void collectFields(Class<?> c, @Nullable Object instance, List<LeakSource> found) {
        for (Field field : c.getDeclaredFields()) {
            boolean isStatic = Modifier.isStatic(field.getModifiers());
            if (field.getType().isPrimitive() || (!isStatic && instance == null)) {
                continue;
            }
            if (!field.trySetAccessible()) {
                continue;
            }
            try {
                addValue(field.get(isStatic ? null : instance), found);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("leak check cannot read field " + field, e);
            }
        }
    }

    private static void addValue(Object value, List<LeakSource> found) {
        if (value instanceof LeakSource source) {
            addOnce(source, found);
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                if (element instanceof LeakSource source) {
                    addOnce(source, found);
                }
            }
        } else if (value instanceof Iterable<?> iterable) {
            for (Object element : iterable) {
                if (element instanceof LeakSource source) {
                    addOnce(source, found);
                }
            }
        }
    }

    private static void addOnce(LeakSource source, List<LeakSource> found) {
        // by identity: two sources that are equal() are still two things to check
        Set<LeakSource> known = Collections.newSetFromMap(new IdentityHashMap<>());
        known.addAll(found);
        if (known.add(source)) {
            found.add(source);
        }
    }
}
