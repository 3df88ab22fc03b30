package dev.sluice.testkit;

import java.io.FilterInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A socket's input stream whose every blocking read is bounded by one deadline, through the
 * socket's SO_TIMEOUT. A read that times out leaves the stream usable: set a new deadline and
 * read on.
 */
final class DeadlineInput extends FilterInputStream {

    private final Socket socket;
    private long deadlineNanos;

    DeadlineInput(Socket socket) throws IOException {
        super(socket.getInputStream());
        this.socket = socket;
        this.deadlineNanos = System.nanoTime();
    }

    void expireAfter(Duration timeout) {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        armTimeout();
        return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        armTimeout();
        return super.read(buffer, offset, length);
    }

    private void armTimeout() throws IOException {
        long remainingNanos = deadlineNanos - System.nanoTime();
        if (remainingNanos <= 0) {
            throw new SocketTimeoutException("read deadline passed");
        }
        long millis = Math.max(1, (remainingNanos + 999_999) / 1_000_000);
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    }
}
