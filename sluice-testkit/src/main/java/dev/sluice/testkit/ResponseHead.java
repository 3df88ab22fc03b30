package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An HTTP/1.1 response's status line and headers (names lower-cased, repeats joined by ", "). */
record ResponseHead(int status, String reason, Map<String, String> headers) {

    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** Reads the head of the final response, skipping any 1xx interim responses. */
    static ResponseHead read(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        while (true) {
            ResponseHead head = readOne(in, budget);
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
        }
    }

    private static ResponseHead readOne(InputStream in, int[] budget) throws IOException {
        String statusLine = readLine(in, budget);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in, budget); !line.isEmpty(); line = readLine(in, budget)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed response header line: '" + line + "'");
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (first, second) -> first + ", " + second);
        }
        return new ResponseHead(
                Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "", Collections.unmodifiableMap(headers));
    }

    /** Reads one line ended by LF (a CR before it is dropped), charging its bytes to the budget. */
    private static String readLine(InputStream in, int[] budget) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed before the end of the response head"
                        + (line.size() > 0
                                ? " (partial line: '" + line.toString(StandardCharsets.ISO_8859_1) + "')"
                                : ""));
            }
            if (--budget[0] < 0) {
                throw new IOException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
    }
}
