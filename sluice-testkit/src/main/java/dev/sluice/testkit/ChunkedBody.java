package dev.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes HTTP/1.1 chunked transfer coding as a resumable state machine: every byte consumed is
 * accounted for in the fields, so a read interrupted by a timeout can simply be repeated.
 */
final class ChunkedBody extends BodyInput {

    private static final int MAX_LINE = 4096;

    private enum State {
        SIZE_LINE,
        DATA,
        DATA_END,
        TRAILERS,
        DONE
    }

    private final InputStream in;
    private final StringBuilder line = new StringBuilder();
    private State state = State.SIZE_LINE;
    private long remaining;
    private boolean terminalChunkSeen;

    ChunkedBody(InputStream in) {
        this.in = in;
    }

    @Override
    boolean endedCleanly() {
        return terminalChunkSeen;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE -> {
                    return -1;
                }
                case DATA -> {
                    int n = in.read(buffer, offset, (int) Math.min(count, remaining));
                    if (n == -1) {
                        return cutOff();
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_END;
                    }
                    return n;
                }
                case DATA_END -> {
                    int b = in.read();
                    if (b == -1) {
                        return cutOff();
                    }
                    if (b == '\n') {
                        state = State.SIZE_LINE;
                    } else if (b != '\r') {
                        throw new IOException("malformed chunked body: expected CRLF after chunk data, got byte " + b);
                    }
                }
                case SIZE_LINE, TRAILERS -> {
                    if (!readLine()) {
                        return cutOff();
                    }
                    String text = line.toString();
                    line.setLength(0);
                    if (state == State.TRAILERS) {
                        if (text.isEmpty()) {
                            state = State.DONE;
                        }
                    } else {
                        startChunk(text);
                    }
                }
            }
        }
    }

    private void startChunk(String sizeLine) throws IOException {
        int extension = sizeLine.indexOf(';');
        String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).strip();
        long size;
        try {
            size = Long.parseUnsignedLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunked body: bad chunk size line '" + sizeLine + "'", e);
        }
        if (size == 0) {
            terminalChunkSeen = true;
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.DATA;
        }
    }

    /** Appends to {@link #line} up to LF; true when the line is complete, false at end of input. */
    private boolean readLine() throws IOException {
        while (true) {
            int b = in.read();
            if (b == -1) {
                return false;
            }
            if (b == '\n') {
                return true;
            }
            if (b != '\r') {
                if (line.length() >= MAX_LINE) {
                    throw new IOException("malformed chunked body: line longer than " + MAX_LINE + " bytes");
                }
                line.append((char) b);
            }
        }
    }

    private int cutOff() {
        state = State.DONE;
        return -1;
    }
}
