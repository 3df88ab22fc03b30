package dev.sluice.gateway;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** The access log's lines as tests read them: add it to the {@code sluice.access} logger, read {@link #lines}. */
final class AccessLogTap extends Handler {

    /** Every access log message since the tap was added (or last cleared). */
    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    @Override
    public void publish(LogRecord record) {
        lines.add(String.valueOf(record.getMessage()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
