package dev.sluice.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.gateway.store.JobRuns;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.TestDatabases;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cache's key, bounds and tiers, on SQLite and PostgreSQL, with Redis when reachable. */
class ResponseCacheTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Ticker SYSTEM_TICKER = Ticker.systemTicker();
    static final InstantSource SYSTEM_CLOCK = InstantSource.system();

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static JsonNode req(String json) throws IOException {
        return JSON.readTree(json);
    }

    static CachedAnswer answer(int bytes, long ttlMillis) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) 'x');
        long now = System.currentTimeMillis();
        return new CachedAnswer("application/json", List.of(body), now, now + ttlMillis);
    }

    @Test
    void theKeyHoldsTenantSystemPromptAndParametersButNotFieldOrder() throws Exception {
        String a =
                "{\"model\":\"m\",\"system\":\"s1\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String reordered =
                "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"temperature\":0.0,\"model\":\"m\",\"system\":\"s1\",\"stream\":true}";
        String otherSystem = a.replace("s1", "s2");
        String otherTemp = a.replace("\"temperature\":0", "\"temperature\":0.5");
        String openAiSystem =
                "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"s1\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        String openAiOther = openAiSystem.replace("s1", "s2");

        assertThat(CacheKeys.key("t1", "anthropic", false, req(a)))
                .isEqualTo(CacheKeys.key("t1", "anthropic", false, req(reordered)));
        assertThat(CacheKeys.key("t1", "anthropic", false, req(a)))
                .isNotEqualTo(CacheKeys.key("t2", "anthropic", false, req(a)));
        assertThat(CacheKeys.key("t1", "anthropic", false, req(a)))
                .isNotEqualTo(CacheKeys.key("t1", "anthropic", false, req(otherSystem)));
        assertThat(CacheKeys.key("t1", "anthropic", false, req(a)))
                .isNotEqualTo(CacheKeys.key("t1", "anthropic", false, req(otherTemp)));
        assertThat(CacheKeys.key("t1", "anthropic", false, req(a)))
                .isNotEqualTo(CacheKeys.key("t1", "anthropic", true, req(a)));
        assertThat(CacheKeys.key("t1", "openai", false, req(openAiSystem)))
                .isNotEqualTo(CacheKeys.key("t1", "openai", false, req(openAiOther)));
        assertThat(CacheKeys.cacheable(req(a), false)).isTrue();
        assertThat(CacheKeys.cacheable(req(otherTemp), false)).isFalse();
        assertThat(CacheKeys.cacheable(req(otherTemp), true)).isTrue();
    }

    @Test
    void theMemoryTierStaysWithinItsByteBoundUnderAFloodOfLargeAnswers() {
        long max = 1_000_000;
        try (TieredResponseCache cache = new TieredResponseCache(
                max,
                100_000,
                Optional.empty(),
                0,
                Duration.ofMinutes(1),
                Optional.empty(),
                "",
                null,
                SYSTEM_TICKER,
                SYSTEM_CLOCK)) {
            for (int i = 0; i < 100; i++) { // 10x the bound
                cache.put("k" + i, "t", answer(90_000, 60_000));
            }
            cache.put("too-big", "t", answer(200_000, 60_000));

            TieredResponseCache.Stats s = cache.stats();
            assertThat(s.memoryBytes()).isLessThanOrEqualTo(max);
            assertThat(s.evictions()).isGreaterThan(80);
            assertThat(cache.get("too-big")).isEmpty();
            long served = java.util.stream.IntStream.range(0, 100)
                    .filter(i -> cache.get("k" + i).isPresent())
                    .count();
            assertThat(served).isBetween(1L, 11L); // what fits in the bound is served; W-TinyLFU picks which
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void expiredSqlRowsArePrunedOnTheScheduleWithNoWritesHappening(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            JobRuns runs = new JobRuns(store.dataSource());
            try (TieredResponseCache cache = new TieredResponseCache(
                    1_000_000,
                    100_000,
                    Optional.of(store.dataSource()),
                    10_000_000,
                    Duration.ofMillis(200),
                    Optional.empty(),
                    "",
                    runs,
                    SYSTEM_TICKER,
                    SYSTEM_CLOCK)) {
                for (int i = 0; i < 5; i++) {
                    cache.put("short" + i, "t", answer(100, 300));
                }
                cache.put("long", "t", answer(100, 600_000));
                assertThat(cache.sqlRows()).isEqualTo(6);

                await().atMost(Duration.ofSeconds(5)).until(() -> cache.sqlRows() == 1);
                assertThat(runs.recent()).extracting(JobRuns.Run::job).contains("cache-prune");
                assertThat(runs.recent().stream()
                                .mapToLong(JobRuns.Run::rowsDeleted)
                                .sum())
                        .isEqualTo(5);
                assertThat(runs.recent()).allSatisfy(r -> assertThat(r.error()).isEmpty());
            }
            assertThat(store.leaks()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theSqlTierServesAfterMemoryIsGoneAndIsBoundedInBytes(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            try (TieredResponseCache first = new TieredResponseCache(
                    1_000_000,
                    100_000,
                    Optional.of(store.dataSource()),
                    50_000,
                    Duration.ofMillis(200),
                    Optional.empty(),
                    "",
                    new JobRuns(store.dataSource()),
                    SYSTEM_TICKER,
                    SYSTEM_CLOCK)) {
                first.put("kept", "t", answer(1000, 600_000));
            }
            try (TieredResponseCache second = new TieredResponseCache(
                    1_000_000,
                    100_000,
                    Optional.of(store.dataSource()),
                    50_000,
                    Duration.ofMillis(200),
                    Optional.empty(),
                    "",
                    new JobRuns(store.dataSource()),
                    SYSTEM_TICKER,
                    SYSTEM_CLOCK)) {
                assertThat(second.get("kept")).isPresent();
                assertThat(second.stats().sqlHits()).isEqualTo(1);
                for (int i = 0; i < 30; i++) {
                    second.put("fill" + i, "t", answer(5_000, 600_000));
                    Thread.sleep(2); // distinct creation times, so "oldest" is well defined
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> second.sqlRows() <= 10);
                // only the oldest went: the newest entries are kept, up to the byte bound (~9 of ~5 KB in 50 KB)
                assertThat(second.sqlRows()).isBetween(8L, 10L);
                try (var c = store.dataSource().getConnection();
                        var ps = c.prepareStatement("SELECT COUNT(*) FROM response_cache WHERE cache_key IN (?, ?)")) {
                    ps.setString(1, "fill29");
                    ps.setString(2, "fill28");
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getLong(1)).isEqualTo(2);
                    }
                }
            }
        }
    }

    @Test
    void theRedisTierIsSharedAndAnUnreachableRedisIsAMiss() throws Exception {
        TestDatabases.requireRedis();
        String prefix =
                "sluice-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
        try (TieredResponseCache a = new TieredResponseCache(
                        1_000_000,
                        100_000,
                        Optional.empty(),
                        0,
                        Duration.ofMinutes(1),
                        Optional.of("redis://127.0.0.1:6379"),
                        prefix,
                        null,
                        SYSTEM_TICKER,
                        SYSTEM_CLOCK);
                TieredResponseCache b = new TieredResponseCache(
                        1_000_000,
                        100_000,
                        Optional.empty(),
                        0,
                        Duration.ofMinutes(1),
                        Optional.of("redis://127.0.0.1:6379"),
                        prefix,
                        null,
                        SYSTEM_TICKER,
                        SYSTEM_CLOCK)) {
            a.put("shared", "t", answer(500, 5_000));
            assertThat(b.get("shared")).isPresent();
            assertThat(b.stats().redisHits()).isEqualTo(1);
        }
    }

    @Test
    void aMemoryEntryExpiresAtItsTtlOnTheInjectedClocksWithoutWaiting() {
        AtomicLong nanos = new AtomicLong(123_456_789L); // any base: Caffeine reads only differences
        long epoch = 1_700_000_000_000L;
        Ticker ticker = nanos::get;
        InstantSource clock = () -> Instant.ofEpochMilli(epoch + TimeUnit.NANOSECONDS.toMillis(nanos.get()));
        try (TieredResponseCache cache = new TieredResponseCache(
                1_000_000,
                100_000,
                Optional.empty(),
                0,
                Duration.ofMinutes(1),
                Optional.empty(),
                "",
                null,
                ticker,
                clock)) {
            byte[] body = new byte[100];
            long now = clock.millis();
            cache.put("k", "t", new CachedAnswer("application/json", List.of(body), now, now + 60_000));

            nanos.addAndGet(TimeUnit.SECONDS.toNanos(59));
            assertThat(cache.get("k")).isPresent();
            assertThat(cache.stats().entries()).isEqualTo(1);

            nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // 61 s after the put: a minute's TTL is over
            assertThat(cache.stats().entries()).isZero(); // Caffeine dropped it on the ticker, not on a read
            assertThat(cache.stats().evictions()).isEqualTo(1);
            assertThat(cache.get("k")).isEmpty();
            assertThat(cache.stats().misses()).isEqualTo(1);
        }
    }

    @Test
    void theDisabledCacheNeverHitsKeepsNothingAndCountsNothing() {
        ResponseCache off = ResponseCache.disabled();
        assertThat(off.enabled()).isFalse();
        off.put("k", "t", answer(100, 60_000));
        assertThat(off.get("k")).isEmpty();
        assertThat(off.stats()).isEqualTo(new ResponseCache.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(ResponseCache.disabled()).isSameAs(off);
    }

    @Test
    void aCorruptOrOversizedEntryIsRefused() {
        byte[] good = answer(100, 1000).toBytes();
        assertThatThrownBy(() -> CachedAnswer.fromBytes(good, 10)).isInstanceOf(IOException.class);
        byte[] corrupt = Arrays.copyOf(good, good.length);
        corrupt[corrupt.length - 105] = 0x7f; // the frame length
        assertThatThrownBy(() -> CachedAnswer.fromBytes(corrupt, 1_000_000)).isInstanceOf(IOException.class);
    }

    @Test
    void onlyACompletedStreamThatFitsIsCaptured() {
        StreamCapture ok = new StreamCapture(100);
        ok.add(new byte[40]);
        assertThat(ok.completed(true, "text/event-stream", 0, 10)).isPresent();
        assertThat(ok.completed(false, "text/event-stream", 0, 10)).isEmpty();
        StreamCapture big = new StreamCapture(100);
        big.add(new byte[60]);
        big.add(new byte[60]);
        assertThat(big.completed(true, "text/event-stream", 0, 10)).isEmpty();
        assertThat(CacheDirective.of("no-store")).isEqualTo(CacheDirective.NO_STORE);
        assertThat(CacheDirective.of("max-age=0, no-cache")).isEqualTo(CacheDirective.NO_CACHE);
        assertThat(CacheDirective.of(null)).isEqualTo(CacheDirective.NORMAL);
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
