package dev.sluice.gateway.provider;

import java.io.IOException;
import java.io.InputStream;

/** Bytes that arrive over time, read with a bounded wait: an upstream body (see {@link UpstreamBody}). */
public interface ByteSource {

    /**
     * Reads up to {@code len} bytes into {@code b} at {@code off}: the count read, -1 at the end, or 0 when none
     * arrived within {@code waitNanos} (a negative wait waits as long as it takes).
     */
    int read(byte[] b, int off, int len, long waitNanos) throws IOException;

    /** A stream's bytes, each read waiting as long as the stream does. */
    static ByteSource of(InputStream in) {
        return (b, off, len, waitNanos) -> in.read(b, off, len);
    }
}
