package dev.sluice.gateway.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.core.Backoff;
import dev.sluice.core.Limiter;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.StartupRuleCases;
import dev.sluice.gateway.route.Balance;
import dev.sluice.gateway.route.RouteSpec;
import dev.sluice.gateway.route.RoutingPolicy;
import dev.sluice.gateway.route.Target;
import dev.sluice.gateway.route.health.BreakerPolicy;
import dev.sluice.gateway.usage.PriceTable;
import io.lettuce.core.RedisURI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules the components enforce when {@code serve} builds them are checked in the one validation
 * pass, reported by key with every other problem, so {@code config check} refuses what {@code serve} would.
 */
class CrossKeyRulesTest {
    @TempDir
    Path dir;

    private List<String> problemsOf(String yaml) throws Exception {
        Path f = Files.writeString(dir.resolve("sluice.yaml"), yaml);
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConfigLoader.load(Optional.of(f), Map.of(), Map.of()));
        assertThat(e).as("expected a ConfigException for:%n%s", yaml).isNotNull();
        return e.problems();
    }

    @Test
    void theFourKnownProblemsAreReportedTogetherByKey() throws Exception {
        List<String> problems = problemsOf(StartupRuleCases.ALL_FOUR);

        assertThat(problems).hasSize(4);
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("usage.prices: entry \"gpt-4o=2.5\" (from file ")
                        .contains("is not model=input/output"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("cache.redis-tier: true (from file ")
                        .contains("needs redis.url"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p)
                        .startsWith("routing.probe-max: 5s (from file ")
                        .contains("is below routing.probe-min (10s, from file ")
                        .doesNotContain("probeMax"));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("routing.breaker.failure-rate: \"0\" (from file "));
    }

    @Test
    void eachRuleAloneIsOneProblemNamingItsKey() throws Exception {
        for (var c : StartupRuleCases.eachAlone().entrySet()) {
            assertThat(problemsOf(c.getKey()))
                    .as(c.getKey())
                    .singleElement()
                    .asString()
                    .startsWith(c.getValue() + ":");
        }
    }

    @Test
    void theBoundariesAreAccepted() throws Exception {
        assertThatNoException()
                .isThrownBy(() -> ConfigLoader.of(Map.of(
                        "routing.probe-min",
                        "10s",
                        "routing.probe-max",
                        "10s",
                        "admission.interactive-reserve",
                        "0.99",
                        "routing.breaker.failure-rate",
                        "1e-40",
                        "cache.enabled",
                        "true",
                        "cache.redis-tier",
                        "true",
                        "redis.url",
                        "redis://127.0.0.1:6379",
                        "usage.prices",
                        "a=1/2, b=1/2/0.1, c=1/2/0.1/0.2, m:with=colons=3/15",
                        "routing.breaker.open-for",
                        "1ms")));
        assertThatNoException().isThrownBy(() -> ConfigLoader.of(Map.of("routing.probe-max", "2562047h")));
        // the Redis tier is only checked when the cache is on, as serve only builds it then
        assertThatNoException().isThrownBy(() -> ConfigLoader.of(Map.of("cache.redis-tier", "true")));
    }

    @Test
    void redisUrlProblemDoesNotRepeatTheUrl() throws Exception {
        assertThat(problemsOf("redis:\n  url: \"rediz://:hunter2@host:6379\"\n"))
                .singleElement()
                .asString()
                .startsWith("redis.url: <redacted> (from file ")
                .doesNotContain("hunter2");
    }

    /** Each rule is the component's own: what config refuses, the component refuses too. */
    @Test
    void theComponentsRefuseWhatConfigRefuses() {
        assertThatIllegalArgumentException().isThrownBy(() -> PriceTable.parse(List.of("gpt-4o=2.5")));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RoutingPolicy(
                        3,
                        0.1,
                        3,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(30),
                        BreakerPolicy.defaults(),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(5)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new BreakerPolicy((float) (1e-50 * 100), 20, 10, Duration.ofSeconds(30), 2));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Limiter.builder("t").interactiveReserve(1.0));
        assertThatIllegalArgumentException().isThrownBy(() -> RedisURI.create("localhost:6379"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RouteSpec(
                        "fast", List.of(new Target("oai", "gpt-4o"), new Target("oai", "gpt-4o")), Balance.FALLBACK));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RouteSpec(
                        "fast",
                        List.of(new Target("oai", "gpt-4o")),
                        Balance.FALLBACK,
                        List.of(new Target("oai", "gpt-4.1"), new Target("oai", "gpt-4.1"))));
        assertThat(catchThrowableOfType(
                        ArithmeticException.class,
                        () -> new Backoff(Duration.ofSeconds(1), Duration.ofHours(2_600_000))))
                .isNotNull();
    }

    /** The price format is written twice (config and usage.PriceTable); both must agree entry by entry. */
    @Test
    void priceFormatAgreesWithThePriceTable() {
        for (String entry : List.of(
                "a=1/2",
                "a=1/2/3",
                "a=1/2/3/4",
                "a=1/2/3/4/5",
                "a=1",
                "=1/2",
                "a",
                "a=",
                "a=1//2",
                "a=1/x",
                "a=0.0000005/1",
                "m=with=eq=1/2",
                "a= 1 / 2 ",
                "a=1e3/2",
                "a=1/2/",
                "a=99999999999999999999/1",
                "a=-1/2")) {
            boolean tableAccepts;
            try {
                PriceTable.parse(List.of(entry));
                tableAccepts = true;
            } catch (IllegalArgumentException e) {
                tableAccepts = false;
            }
            assertThat(Prices.problem(entry).isEmpty()).as(entry).isEqualTo(tableAccepts);
        }
    }
}
