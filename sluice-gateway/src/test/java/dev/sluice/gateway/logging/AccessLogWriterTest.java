package dev.sluice.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access log's writer: records as JUL would have made them, off the request thread, bounded, flushed on close. */
class AccessLogWriterTest {

    private static final Logger ACCESS = Logger.getLogger(AccessLogWriter.LOGGER);

    private final Tap tap = new Tap();

    @BeforeEach
    void tapIn() {
        ACCESS.setUseParentHandlers(false); // the console stays quiet
        ACCESS.addHandler(tap);
    }

    @AfterEach
    void tapOut() {
        ACCESS.removeHandler(tap);
        ACCESS.setUseParentHandlers(true);
    }

    @Test
    void aLineBecomesTheRecordJulWouldHaveMadeWithoutAStackWalk() throws Exception {
        try (AccessLogWriter w = new AccessLogWriter(16, "dev.sluice.gateway.proxy.AccessLog", "completed")) {
            long before = System.currentTimeMillis();
            try (var bound = RequestIds.bind("req_7")) {
                assertThat(bound).isNotNull();
                assertThat(w.offer("request id=req_7 outcome=SUCCESS")).isTrue();
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> !tap.records.isEmpty());
            LogRecord r = tap.records.peek();
            assertThat(r.getLevel()).isEqualTo(Level.INFO);
            assertThat(r.getLoggerName()).isEqualTo("sluice.access");
            assertThat(r.getMessage()).isEqualTo("request id=req_7 outcome=SUCCESS");
            assertThat(r.getSourceClassName()).isEqualTo("dev.sluice.gateway.proxy.AccessLog");
            assertThat(r.getSourceMethodName()).isEqualTo("completed");
            assertThat(r.getLongThreadID()).isEqualTo(Thread.currentThread().threadId());
            assertThat(r.getMillis()).isBetween(before, System.currentTimeMillis());
            // the JSON format still names the request, though the writer's thread formats it
            assertThat(new ObjectMapper()
                            .readTree(tap.json.peek())
                            .path("request_id")
                            .asText())
                    .isEqualTo("req_7");
            assertThat(w.stats().written()).isEqualTo(1);
        }
    }

    @Test
    void aFullQueueDropsTheLineAndCountsIt() throws Exception {
        try (AccessLogWriter w = new AccessLogWriter(2, "A", "m")) {
            tap.block = new CountDownLatch(1);
            w.offer("first"); // taken by the writer, which then waits in the tap
            assertThat(tap.entered.await(2, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(w.offer("second")).isTrue();
            assertThat(w.offer("third")).isTrue();
            assertThat(w.offer("fourth")).isFalse(); // never blocks: dropped
            assertThat(w.stats().dropped()).isEqualTo(1);
            assertThat(w.stats().queued()).isEqualTo(2);
            tap.block.countDown();
            await().atMost(Duration.ofSeconds(2)).until(() -> tap.records.size() == 3);
            assertThat(tap.records).extracting(LogRecord::getMessage).containsExactly("first", "second", "third");
        }
    }

    @Test
    void closeWritesWhatIsQueuedAndStopsTheThread() {
        AccessLogWriter w = new AccessLogWriter(4096, "A", "m");
        for (int i = 0; i < 1000; i++) {
            w.offer("line " + i);
        }
        w.close();
        assertThat(tap.records).hasSize(1000);
        assertThat(w.leaks()).isEmpty();
        assertThat(w.offer("late")).isFalse();
        assertThat(w.stats().dropped()).isEqualTo(1);
        assertThat(w.stats().written()).isEqualTo(1000);
    }

    private static final class Tap extends Handler {
        final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> json = new ConcurrentLinkedQueue<>();
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch block = new CountDownLatch(0);

        @Override
        public void publish(LogRecord r) {
            records.add(r);
            json.add(new JsonLogFormatter().format(r));
            entered.countDown();
            try {
                block.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
