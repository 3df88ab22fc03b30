package dev.sluice.gateway.context;

/** Client-supplied text made safe for a log line: printable ASCII without spaces, at most 80 characters. */
public final class Sanitize {

    private Sanitize() {}

    public static String token(String s) {
        int n = Math.min(s.length(), 80);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            sb.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > n ? sb.append("...").toString() : sb.toString();
    }
}
