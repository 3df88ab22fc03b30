package dev.sluice.gateway.config;

import java.io.Serial;
import java.util.List;

/**
 * The configuration is invalid. {@link #problems()} lists every problem found, one sentence each,
 * naming the key, where the value came from and the bad value (never a secret's value); the
 * message lists them one per line.
 */
public final class ConfigException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // List.copyOf's immutable lists are serializable; the declared type only is not
    private final List<String> problems;

    /** @param problems every problem found, at least one (the loader's, in its order) */
    public ConfigException(List<String> problems) {
        super(message(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /**
     * Every problem found; never empty. Problems with the sources come first (file, unknown keys
     * and variables), then bad values in the registry's key order, then keys that conflict.
     */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        StringBuilder sb = new StringBuilder("invalid configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem):" : " problems):");
        for (String p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        return sb.toString();
    }
}
