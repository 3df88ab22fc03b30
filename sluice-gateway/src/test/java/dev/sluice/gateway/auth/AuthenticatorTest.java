package dev.sluice.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stored keys on both databases, the bounded auth cache, failing closed, and the per-address failure limit. */
class AuthenticatorTest {

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static final class FakeTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong(1);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void keysRoundTripAndOnlyTheirHashIsStored(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            KeyStore keys = new KeyStore(store.dataSource());
            KeyStore.CreatedKey k = keys.create(
                    "bot", "acme", new KeyPolicy(List.of("m1"), 10, 0, 2, 0, KeyPolicy.BudgetPeriod.NONE, "batch"));

            assertThat(keys.find(k.plaintext())).get().satisfies(found -> {
                assertThat(found.id()).isEqualTo(k.key().id());
                assertThat(found.tenant()).isEqualTo("acme");
                assertThat(found.policy().allows("m1")).isTrue();
                assertThat(found.policy().allows("m2")).isFalse();
                assertThat(found.policy().priority()).isEqualTo("batch");
            });
            assertThat(keys.find(k.plaintext() + "x")).isEmpty();
            try (Connection c = store.dataSource().getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT * FROM api_keys")) {
                while (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        assertThat(String.valueOf(rs.getObject(i)))
                                .doesNotContain(k.plaintext().substring(14));
                    }
                }
            }
            assertThat(keys.revoke(k.key().id())).isTrue();
            assertThat(keys.revoke(k.key().id())).isFalse();
            assertThat(keys.find(k.plaintext()))
                    .get()
                    .satisfies(f -> assertThat(f.revoked()).isTrue());
            assertThat(keys.list()).hasSize(1);
            assertThat(store.leaks()).isEmpty();
        }
    }

    @Test
    void cachedKeysSkipTheStoreAndStillPassWhenItIsDownWhileUnknownOnesFailClosed() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Store store = Store.open(TestDatabases.settings(Store.Kind.SQLITE));
        KeyStore keys = new KeyStore(store.dataSource());
        String good = keys.create("a", "t", KeyPolicy.unlimited()).plaintext();
        Authenticator auth = new Authenticator(
                keys,
                100,
                Duration.ofSeconds(30),
                new FailureLimiter(100, Duration.ofMinutes(1), 1000, ticker),
                ticker);

        assertThat(auth.authenticate(good, "1.1.1.1")).isInstanceOf(Authenticator.Allowed.class);
        store.close(); // the database is gone
        assertThat(auth.authenticate(good, "1.1.1.1")).isInstanceOf(Authenticator.Allowed.class);
        assertThat(auth.authenticate(KeyStore.PREFIX + "unknown", "1.1.1.1"))
                .isInstanceOfSatisfying(
                        Authenticator.Denied.class, d -> assertThat(d.status()).isEqualTo(503));
        ticker.advance(Duration.ofSeconds(31));
        assertThat(auth.authenticate(good, "1.1.1.1")).isInstanceOf(Authenticator.Denied.class);
    }

    @Test
    void anAddressOverTheFailureLimitIsRefusedUntilItsWindowEndsAndStateStaysBounded() {
        FakeTicker ticker = new FakeTicker();
        FailureLimiter limiter = new FailureLimiter(3, Duration.ofMinutes(1), 1000, ticker);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.blockedFor("9.9.9.9")).isEmpty();
            limiter.fail("9.9.9.9");
        }
        assertThat(limiter.blockedFor("9.9.9.9"))
                .get()
                .satisfies(d -> assertThat(d).isPositive());
        assertThat(limiter.blockedFor("8.8.8.8")).isEmpty();
        ticker.advance(Duration.ofSeconds(61));
        assertThat(limiter.blockedFor("9.9.9.9")).isEmpty();

        for (int i = 0; i < 50_000; i++) {
            limiter.fail("10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(1000);
    }

    @Test
    void findLooksAKeyUpWithoutCountingAFailureWhileAuthenticateCountsUnknownKeys() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Store store = Store.open(TestDatabases.settings(Store.Kind.SQLITE));
        try {
            KeyStore keys = new KeyStore(store.dataSource());
            FailureLimiter limiter = new FailureLimiter(2, Duration.ofMinutes(1), 1000, ticker);
            Authenticator auth = new Authenticator(keys, 100, Duration.ofSeconds(30), limiter, ticker);
            for (int i = 0; i < 5; i++) {
                assertThat(auth.find(KeyStore.PREFIX + "unknown" + i)).isInstanceOf(Authenticator.Unknown.class);
            }
            assertThat(auth.blockedFor("7.7.7.7")).isEmpty();
            auth.authenticate(KeyStore.PREFIX + "unknown-a", "7.7.7.7");
            auth.authenticate(KeyStore.PREFIX + "unknown-b", "7.7.7.7");
            assertThat(auth.blockedFor("7.7.7.7")).isPresent();
            assertThat(auth.authenticate(KeyStore.PREFIX + "unknown-c", "7.7.7.7"))
                    .isInstanceOfSatisfying(
                            Authenticator.Denied.class,
                            d -> assertThat(d.status()).isEqualTo(429));
        } finally {
            store.close();
        }
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
