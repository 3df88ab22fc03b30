package dev.sluice.gateway.config;

import java.util.List;

/** Prints a config as YAML in the registry's order, secrets redacted. */
final class Describer {
    private Describer() {}

    static String describe(SluiceConfig c) {
        StringBuilder sb = new StringBuilder();
        String section = "";
        for (Registry.Entry e : Registry.ENTRIES) {
            String key = e.key().key();
            int dot = key.indexOf('.');
            if (!key.substring(0, dot).equals(section)) {
                section = key.substring(0, dot);
                sb.append(section).append(":\n");
            }
            sb.append("  ").append(key.substring(dot + 1)).append(": ")
                    .append(value(e, e.read().apply(c))).append('\n');
        }
        return sb.toString();
    }

    private static String value(Registry.Entry e, Object v) {
        return switch (e.type()) {
            case SECRET -> ((Secret) v).isEmpty() ? "\"\"  # not set" : "\"****\"  # redacted";
            case SECRET_LIST -> secrets((List<?>) v);
            case DEMO_MODE -> "\"" + e.type().format(v) + "\"";
            default -> plain(e.type().format(v));
        };
    }

    private static String secrets(List<?> keys) {
        if (keys.isEmpty()) {
            return "[]  # any client key accepted";
        }
        return keys.stream().map(k -> "\"****\"").toList().toString()
                + "  # " + keys.size() + (keys.size() == 1 ? " key" : " keys") + ", redacted";
    }

    /** The value bare when YAML reads it back as the same text, else double-quoted. */
    private static String plain(String s) {
        if (s.matches("[A-Za-z0-9_./-][A-Za-z0-9_./:-]*")) {
            return s;
        }
        return Setting.quote(s);
    }
}
