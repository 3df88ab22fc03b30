package dev.sluice.gateway.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads newline-delimited JSON (Ollama's streaming format) one line at a time, each as a
 * {@code message} frame. Blank lines are skipped; a line longer than {@code maxLineBytes} fails the
 * stream instead of growing the heap; a last line without a newline still counts. A poll that waits out keeps
 * the part of a line that arrived for the next.
 */
public final class NdjsonReader implements FrameReader {

    private final ByteSource in;
    private final int maxLineBytes;
    private final ReadBuffer buf = new ReadBuffer();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean ended;

    public NdjsonReader(ByteSource in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    public NdjsonReader(InputStream in, int maxLineBytes) {
        this(ByteSource.of(in), maxLineBytes);
    }

    @Override
    public @Nullable SseEvent poll(long waitNanos) throws IOException {
        long deadline = ReadBuffer.deadline(waitNanos);
        while (true) {
            if (!buf.hasByte()) {
                int filled = buf.fill(in, waitNanos, deadline);
                if (filled == ReadBuffer.NOT_YET) {
                    return null;
                }
                if (filled == ReadBuffer.END) {
                    SseEvent last = frame(); // a last line without its newline, if any
                    ended = last == null;
                    return last;
                }
            }
            int start = buf.pos();
            int p = start;
            while (p < buf.limit() && buf.at(p) != '\n') {
                p++;
            }
            line.write(buf.bytes(), start, p - start);
            if (line.size() > maxLineBytes) {
                throw new SseReader.EventTooLargeException(maxLineBytes);
            }
            if (p < buf.limit()) {
                buf.skipTo(p + 1); // past the newline
                if (!isBlank()) {
                    return frame();
                }
                line.reset();
            } else {
                buf.skipTo(p);
            }
        }
    }

    @Override
    public boolean ended() {
        return ended;
    }

    /** The line read as a frame (the line is then cleared); null when it was blank. */
    private @Nullable SseEvent frame() {
        String text = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        return text.isEmpty() ? null : new SseEvent("message", text);
    }

    private boolean isBlank() {
        return line.toString(StandardCharsets.UTF_8).isBlank();
    }
}
