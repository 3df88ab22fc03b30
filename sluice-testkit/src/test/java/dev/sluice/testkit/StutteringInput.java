package dev.sluice.testkit;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Serves bytes one read at a time and times out once before every byte at a listed offset. */
final class StutteringInput extends InputStream {

    private final byte[] bytes;
    private final boolean[] stallBefore;
    private int position;

    StutteringInput(String text, int... stallOffsets) {
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        this.stallBefore = new boolean[bytes.length + 1];
        for (int offset : stallOffsets) {
            stallBefore[offset] = true;
        }
    }

    @Override
    public int read() throws SocketTimeoutException {
        if (stallBefore[position]) {
            stallBefore[position] = false;
            throw new SocketTimeoutException("stalled before byte " + position);
        }
        return position == bytes.length ? -1 : bytes[position++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws SocketTimeoutException {
        if (length == 0) {
            return 0;
        }
        int b = read();
        if (b == -1) {
            return -1;
        }
        buffer[offset] = (byte) b;
        return 1;
    }
}
