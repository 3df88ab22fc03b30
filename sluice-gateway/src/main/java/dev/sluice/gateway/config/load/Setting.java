package dev.sluice.gateway.config.load;

import java.util.List;

/**
 * One raw value for a key from one source, before parsing. {@code items} is set for a YAML list
 * ({@code list} true); otherwise {@code text} holds the scalar.
 */
record Setting(String key, String text, List<String> items, boolean list, String source) {

    static Setting scalar(String key, String text, String source) {
        return new Setting(key, text, List.of(), false, source);
    }

    static Setting list(String key, List<String> items, String source) {
        return new Setting(key, String.join(",", items), List.copyOf(items), true, source);
    }

    /** How the value is shown in an error: quoted and escaped, or redacted for secrets. */
    String shown(boolean secret) {
        if (secret) {
            return "<redacted>";
        }
        if (list) {
            return items.stream().map(Setting::quote).toList().toString();
        }
        return quote(text);
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        int limit = Math.min(s.length(), 120);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append(s.length() > limit ? "...\"" : "\"").toString();
    }
}
