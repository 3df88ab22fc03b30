package dev.sluice.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.TestDatabases;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Usage records: batched writes on both databases, exact queries, a bounded queue through an outage. */
class UsageRecorderTest {

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static UsageRecord rec(int i, String key, String model, long in, long out, long cost) {
        return new UsageRecord(
                "u-" + key + "-" + i,
                1_000_000L + i,
                key,
                "acme",
                model,
                "p",
                model,
                "anthropic",
                false,
                in,
                out,
                0,
                0,
                10,
                5,
                200,
                "SUCCESS",
                cost);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void recordsAreWrittenInBatchesAndQueriedExactly(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind));
                UsageRecorder recorder = new UsageRecorder(store.dataSource(), 1000, 50, Duration.ofMillis(50))) {
            for (int i = 0; i < 120; i++) {
                recorder.record(rec(i, "k1", i % 3 == 0 ? "big" : "small", 10, 2, 7));
            }
            recorder.record(rec(0, "k2", "small", 99, 99, 99));
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.stats().written() == 121);

            UsageQueries.Report r = new UsageQueries(store.dataSource()).report("k1", null, 0, Long.MAX_VALUE);
            assertThat(r.totals().requests()).isEqualTo(120);
            assertThat(r.totals().inputTokens()).isEqualTo(1200);
            assertThat(r.totals().outputTokens()).isEqualTo(240);
            assertThat(r.totals().costMicros()).isEqualTo(840);
            assertThat(r.byModel()).extracting(UsageQueries.Totals::model).containsExactly("small", "big");
            assertThat(r.byModel().get(1).requests()).isEqualTo(40);
            assertThat(new UsageQueries(store.dataSource())
                            .report("k1", null, 1_000_000L, 1_000_010L)
                            .totals()
                            .requests())
                    .isEqualTo(10);
            assertThat(store.leaks()).isEmpty();
        }
    }

    /**
     * The id is the request id, which a client may choose and repeat (x-request-id, up to 128 characters): every
     * record is written, none stops the writer. With the id as primary key the second batch failed and was retried
     * for ever (V8 migration).
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void aRepeatedOrLongClientRequestIdIsRecordedEachTime(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind));
                UsageRecorder recorder = new UsageRecorder(store.dataSource(), 1000, 2, Duration.ofMillis(50))) {
            String longId = "x".repeat(128);
            for (int i = 0; i < 6; i++) {
                UsageRecord r = rec(i, "k-dup", "m", 1, 1, 1);
                String id = i < 3 ? "client-chosen-id" : longId;
                recorder.record(new UsageRecord(
                        id,
                        r.timestamp(),
                        r.keyId(),
                        r.tenant(),
                        r.model(),
                        r.provider(),
                        r.upstreamModel(),
                        r.dialect(),
                        r.stream(),
                        r.inputTokens(),
                        r.outputTokens(),
                        r.cacheReadTokens(),
                        r.cacheWriteTokens(),
                        r.latencyMs(),
                        r.ttftMs(),
                        r.status(),
                        r.outcome(),
                        r.costMicros()));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            recorder.stats().written() == 6 || recorder.stats().writeFailures() > 0);
            assertThat(recorder.stats().writeFailures())
                    .as(recorder.stats().lastError())
                    .isZero();
            assertThat(new UsageQueries(store.dataSource())
                            .report("k-dup", null, 0, Long.MAX_VALUE)
                            .totals()
                            .requests())
                    .isEqualTo(6);
        }
    }

    @Test
    void aDeadDatabaseNeverGrowsTheQueueAndWritingResumesWhenItIsBack() throws Exception {
        try (Store store = Store.open(TestDatabases.settings(Store.Kind.SQLITE))) {
            Switch db = new Switch(store.dataSource());
            try (UsageRecorder recorder = new UsageRecorder(db, 100, 20, Duration.ofMillis(20))) {
                db.down.set(true);
                for (int i = 0; i < 100_000; i++) {
                    recorder.record(rec(i, "k", "m", 1, 1, 0));
                }
                UsageRecorder.Stats s = recorder.stats();
                assertThat(s.queued()).isLessThanOrEqualTo(100 + 20);
                assertThat(s.written() + s.dropped() + s.queued()).isEqualTo(100_000);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> recorder.stats().writeFailures() > 0);

                db.down.set(false);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> recorder.stats().queued() == 0);
                UsageRecorder.Stats after = recorder.stats();
                assertThat(after.written()).isBetween(1L, 120L);
                assertThat(after.written() + after.dropped()).isEqualTo(100_000);
            }
            assertThat(store.leaks()).isEmpty();
        }
    }

    @Test
    void closeFlushesAndStopsTheWriter() throws Exception {
        try (Store store = Store.open(TestDatabases.settings(Store.Kind.SQLITE))) {
            UsageRecorder recorder = new UsageRecorder(store.dataSource(), 1000, 500, Duration.ofSeconds(30));
            for (int i = 0; i < 10; i++) {
                recorder.record(rec(i, "k", "m", 1, 1, 0));
            }
            recorder.close();
            assertThat(recorder.stats().written()).isEqualTo(10);
            assertThat(recorder.leaks()).isEmpty();
            assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().equals("sluice-usage-writer"));
        }
    }

    @Test
    void pricesAreExactMicroDollars() {
        PriceTable t = PriceTable.parse(List.of("claude-sonnet-4-5=3/15/0.3/3.75", "cheap=0.15/0.6"));
        assertThat(t.costMicros("claude-sonnet-4-5", 1_000_000, 1_000_000, 1_000_000, 1_000_000))
                .isEqualTo(3_000_000 + 15_000_000 + 300_000 + 3_750_000);
        assertThat(t.costMicros("cheap", 1000, 100, 0, 0)).isEqualTo(150 + 60);
        assertThat(t.costMicros("unknown", 1000, 1000, 0, 0)).isZero();
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }

    /** A DataSource that can be switched off: getConnection fails while down. */
    static final class Switch implements DataSource {
        final DataSource real;
        final AtomicBoolean down = new AtomicBoolean();

        Switch(DataSource real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (down.get()) {
                throw new SQLException("database is down (test switch) at " + Instant.now());
            }
            return real.getConnection();
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            return null;
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
