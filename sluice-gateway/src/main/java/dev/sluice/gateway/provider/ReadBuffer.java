package dev.sluice.gateway.provider;

import java.io.IOException;

/** The bytes a frame reader took from its source and has not parsed yet, with the bounded wait for more. */
final class ReadBuffer {

    /** A whole line (or frame) is ready. */
    static final int LINE = 1;
    /** Nothing more arrived within the wait. */
    static final int NOT_YET = 0;
    /** The source ended. */
    static final int END = -1;

    private final byte[] buf = new byte[FrameReader.READ_CHUNK];
    private int pos;
    private int limit;

    /** The deadline of a poll that waits {@code waitNanos} (unused when that is negative: no deadline). */
    static long deadline(long waitNanos) {
        return waitNanos < 0 ? 0 : System.nanoTime() + waitNanos;
    }

    boolean hasByte() {
        return pos < limit;
    }

    byte take() {
        return buf[pos++];
    }

    /** Up to where the bytes taken so far go; {@link #skipTo} moves past them. */
    int pos() {
        return pos;
    }

    int limit() {
        return limit;
    }

    byte at(int i) {
        return buf[i];
    }

    byte[] bytes() {
        return buf;
    }

    void skipTo(int p) {
        pos = p;
    }

    /** Reads more once all was taken: {@link #LINE} when bytes came, {@link #NOT_YET} or {@link #END}. */
    int fill(ByteSource in, long waitNanos, long deadline) throws IOException {
        // past the deadline a read still takes what already arrived, without waiting
        long wait = waitNanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime());
        int n = in.read(buf, 0, buf.length, wait);
        pos = 0;
        if (n < 0) {
            limit = 0;
            return END;
        }
        limit = n;
        return n == 0 ? NOT_YET : LINE;
    }
}
