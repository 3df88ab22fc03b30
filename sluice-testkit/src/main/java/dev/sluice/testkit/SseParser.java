package dev.sluice.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parses a {@code text/event-stream} body into events, following the WHATWG rules for lines
 * (LF, CRLF or CR), fields and comments, with one deliberate difference: an event that has an
 * {@code event:} line but no {@code data:} line is still returned (with empty data), because a
 * test wants to see it. State survives a timed-out read, so parsing can resume.
 */
final class SseParser {

    private static final int MAX_LINE_BYTES = 1024 * 1024;
    private static final int MAX_DATA_CHARS = 8 * 1024 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean afterCr;
    private String eventName = "";
    private boolean hasFields;
    private int comments;

    /** The next complete event, or empty at the end of the body (a partial last event is dropped). */
    Optional<SseEvent> next(InputStream body) throws IOException {
        while (true) {
            int b = body.read();
            if (b == -1) {
                return Optional.empty();
            }
            boolean skipLf = afterCr && b == '\n';
            afterCr = b == '\r';
            if (skipLf) {
                continue;
            }
            if (b == '\r' || b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                Optional<SseEvent> event = onLine(text);
                if (event.isPresent()) {
                    return event;
                }
            } else {
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new IOException("SSE line longer than " + MAX_LINE_BYTES + " bytes");
                }
                line.write(b);
            }
        }
    }

    int comments() {
        return comments;
    }

    private Optional<SseEvent> onLine(String text) throws IOException {
        if (text.isEmpty()) {
            return dispatch();
        }
        if (text.charAt(0) == ':') {
            comments++;
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            eventName = value;
            hasFields = true;
        } else if (field.equals("data")) {
            if (data.length() + value.length() + 1 > MAX_DATA_CHARS) {
                throw new IOException("SSE event data longer than " + MAX_DATA_CHARS + " characters");
            }
            data.append(value).append('\n');
            hasFields = true;
        }
        return Optional.empty();
    }

    private Optional<SseEvent> dispatch() {
        if (!hasFields) {
            return Optional.empty();
        }
        String payload = data.isEmpty() ? "" : data.substring(0, data.length() - 1);
        SseEvent event = new SseEvent(eventName.isEmpty() ? "message" : eventName, payload);
        data.setLength(0);
        eventName = "";
        hasFields = false;
        return Optional.of(event);
    }
}
