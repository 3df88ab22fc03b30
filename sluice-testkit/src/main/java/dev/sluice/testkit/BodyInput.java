package dev.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * A response body decoded from the connection: chunked, of a declared length, or until the
 * server closes. Reads that time out keep the decoder's state, so reading can resume.
 */
abstract class BodyInput extends InputStream {

    /** True once the body ended the way its framing says it should (not cut off). */
    abstract boolean endedCleanly();

    static BodyInput of(ResponseHead head, InputStream connection) throws IOException {
        int status = head.status();
        if (status == 204 || status == 304 || status == 101) {
            return new LengthBody(connection, 0);
        }
        String transferEncoding =
                head.headers().getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (transferEncoding.strip().endsWith("chunked")) {
            return new ChunkedBody(connection);
        }
        String contentLength = head.headers().get("content-length");
        if (contentLength == null) {
            return new LengthBody(connection, -1);
        }
        try {
            return new LengthBody(connection, Long.parseLong(contentLength.strip()));
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length: '" + contentLength + "'", e);
        }
    }

    /** Every body reads in blocks; {@link #read()} is built on this. */
    @Override
    public abstract int read(byte[] buffer, int offset, int count) throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n == -1 ? -1 : one[0] & 0xff;
    }

    /** A body of a declared length, or, when the length is -1, one that ends when the server closes. */
    static final class LengthBody extends BodyInput {
        private final InputStream in;
        private final long length;
        private long remaining;

        LengthBody(InputStream in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length < 0 ? Long.MAX_VALUE : length;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(count, remaining));
            if (n == -1) {
                remaining = 0;
                return -1;
            }
            remaining -= n;
            return n;
        }

        @Override
        boolean endedCleanly() {
            return length >= 0 && remaining == 0;
        }
    }
}
