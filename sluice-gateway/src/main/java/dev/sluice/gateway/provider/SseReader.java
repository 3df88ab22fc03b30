package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Parses a server-sent event stream (text/event-stream) from bytes. Lines end with LF, CRLF or CR;
 * comments (lines starting with ':') are skipped; {@code data} lines are joined with '\n'. An event
 * larger than {@code maxEventBytes} fails the stream instead of growing the heap. A poll that waits out keeps
 * the line and the event it is in the middle of for the next.
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

    private final ByteSource in;
    private final int maxEventBytes;
    private final ReadBuffer buf = new ReadBuffer();
    private boolean skipLf;
    private byte[] line = new byte[256];
    private int lineLen;
    // the event being read, across polls
    private @Nullable String event;
    private @Nullable StringBuilder data;
    private int eventBytes;
    private boolean ended;

    public SseReader(ByteSource in, int maxEventBytes) {
        this.in = in;
        this.maxEventBytes = maxEventBytes;
    }

    public SseReader(InputStream in, int maxEventBytes) {
        this(ByteSource.of(in), maxEventBytes);
    }

    /** The next event (a partial event at the end of the stream is dropped, as the spec says). */
    @Override
    public @Nullable SseEvent poll(long waitNanos) throws IOException {
        long deadline = ReadBuffer.deadline(waitNanos);
        while (true) {
            int got = readLine(waitNanos, deadline);
            if (got == ReadBuffer.END) {
                ended = true;
                return null;
            }
            if (got == ReadBuffer.NOT_YET) {
                return null;
            }
            String l = finishLine();
            if (l.isEmpty()) {
                StringBuilder d = data;
                String name = event;
                event = null;
                data = null;
                eventBytes = 0;
                if (d != null) {
                    return new SseEvent(name == null ? "message" : name, d.toString());
                }
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
                    StringBuilder d = data;
                    if (d == null) {
                        data = new StringBuilder(value);
                    } else {
                        d.append('\n').append(value);
                    }
                }
                default -> {} // id, retry and unknown fields carry nothing we relay
            }
        }
    }

    /** Reads on into {@link #line}: {@link ReadBuffer#LINE} when one is whole, else NOT_YET or END. */
    @Override
    public boolean ended() {
        return ended;
    }

    private int readLine(long waitNanos, long deadline) throws IOException {
        while (true) {
            if (!buf.hasByte()) {
                int filled = buf.fill(in, waitNanos, deadline);
                if (filled == ReadBuffer.NOT_YET) {
                    return ReadBuffer.NOT_YET;
                }
                if (filled == ReadBuffer.END) {
                    return lineLen > 0 ? ReadBuffer.LINE : ReadBuffer.END;
                }
            }
            byte b = buf.take();
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n') {
                return ReadBuffer.LINE;
            }
            if (b == '\r') {
                skipLf = true;
                return ReadBuffer.LINE;
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
        lineLen = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256]; // do not keep one huge event's buffer for the life of the stream
        }
        return s;
    }
}
