package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parses a server-sent event stream (text/event-stream) from bytes. Lines end with LF, CRLF or CR;
 * comments (lines starting with ':') are skipped; {@code data} lines are joined with '\n'. An event
 * larger than {@code maxEventBytes} fails the stream instead of growing the heap.
 */
public final class SseReader implements FrameReader {

    /** Thrown when an event exceeds the configured bound. */
    public static final class EventTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        EventTooLargeException(int max) {
            super("upstream event larger than " + max + " bytes");
        }

        /** The message: never null, the constructor sets one. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    private final InputStream in;
    private final int maxEventBytes;
    private final byte[] buf = new byte[READ_CHUNK];
    private int pos;
    private int limit;
    private boolean skipLf;
    private byte[] line = new byte[256];
    private int lineLen;

    public SseReader(InputStream in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    /** The next event, or empty at end of stream (a partial event at EOF is dropped, as the spec says). */
    @Override
    public Optional<SseEvent> next() throws IOException {
        String event = null;
        StringBuilder data = null;
        int eventBytes = 0;
        while (true) {
            String l = readLine();
            if (l == null) {
                return Optional.empty();
            }
            if (l.isEmpty()) {
                if (data != null) {
                    return Optional.of(new SseEvent(event == null ? "message" : event, data.toString()));
                }
                event = null;
                eventBytes = 0;
                continue;
            }
            eventBytes += l.length() + 1;
            if (eventBytes > maxEventBytes) {
                throw new EventTooLargeException(maxEventBytes);
            }
            if (l.charAt(0) == ':') {
                continue;
            }
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                }
                default -> {} // id, retry and unknown fields carry nothing we relay
            }
        }
    }

    private @Nullable String readLine() throws IOException {
        lineLen = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return lineLen > 0 ? finishLine() : null;
                }
            }
            byte b = buf[pos++];
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return finishLine();
            }
            if (b == '\r') {
                skipLf = true;
                return finishLine();
            }
            if (lineLen == line.length) {
                if (lineLen >= maxEventBytes) {
                    throw new EventTooLargeException(maxEventBytes);
                }
                line = java.util.Arrays.copyOf(line, Math.min(maxEventBytes, lineLen * 2));
            }
            line[lineLen++] = b;
        }
    }

    private String finishLine() {
        String s = new String(line, 0, lineLen, StandardCharsets.UTF_8);
        if (line.length > 64 * 1024) {
            line = new byte[256]; // do not keep one huge event's buffer for the life of the stream
        }
        return s;
    }
}
