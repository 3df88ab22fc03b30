package dev.sluice.gateway.provider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads newline-delimited JSON (Ollama's streaming format) one line at a time, each as a
 * {@code message} frame. Blank lines are skipped; a line longer than {@code maxLineBytes} fails the
 * stream instead of growing the heap; a last line without a newline still counts.
 */
public final class NdjsonReader implements FrameReader {

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buf = new byte[READ_CHUNK];
    private int pos;
    private int limit;

    public NdjsonReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public Optional<SseEvent> next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit < 0) {
                    limit = 0;
                    return line.size() == 0 ? Optional.empty() : frame(line);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            line.write(buf, start, pos - start);
            if (line.size() > maxLineBytes) {
                throw new SseReader.EventTooLargeException(maxLineBytes);
            }
            if (pos < limit) {
                pos++; // the newline
                if (!isBlank(line)) {
                    return frame(line);
                }
                line.reset();
            }
        }
    }

    private static Optional<SseEvent> frame(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(new SseEvent("message", text));
    }

    private static boolean isBlank(ByteArrayOutputStream line) {
        return line.toString(StandardCharsets.UTF_8).isBlank();
    }
}
