package dev.sluice.gateway;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/** The access log's lines as tests read them: add it to the {@code sluice.access} logger, read {@link #lines}. */
final class AccessLogTap extends Handler {

    /** Every access log message since the tap was added (or last cleared). */
    final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

    /**
     * Waits until every access log line {@code sluice} offered so far is written: the log is written off the
     * request thread, a few milliseconds after the answer.
     */
    static void awaitWritten(SluiceExtension sluice) {
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode a = json.readTree(
                            Http.get(sluice.baseUri(), "/system/stats").body())
                    .path("accessLog");
            return a.path("offered").asLong()
                    == a.path("written").asLong() + a.path("dropped").asLong();
        });
    }

    /**
     * Clears the lines once every one of {@code all} has no request in flight and has written its lines: a
     * client that left a request running (Claude Code's background calls) would otherwise log into the next
     * test's lines.
     */
    void clearWhenQuiet(SluiceExtension... all) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (SluiceExtension s : all) {
                if (s.sluice().inFlight() != 0) {
                    return false;
                }
            }
            return true;
        });
        for (SluiceExtension s : all) {
            awaitWritten(s);
        }
        lines.clear();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(String.valueOf(record.getMessage()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
