package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanTest {
    static final Settings DEFAULTS = new Settings(
            "127.0.0.1",
            0,
            Duration.ofMillis(5),
            Duration.ofMillis(6),
            Duration.ofMillis(7),
            12,
            0,
            Duration.ofMinutes(5));

    private static Plan plan(Fault fault, Map<String, String> headers) {
        return Plan.of(DEFAULTS, fault, name -> Optional.ofNullable(headers.get(name)));
    }

    @Test
    void durationsAreMillisecondsOrCarryAUnit() {
        assertThat(Plan.parseDuration("h", "250")).isEqualTo(Duration.ofMillis(250));
        assertThat(Plan.parseDuration("h", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Plan.parseDuration("h", "2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Plan.parseDuration("h", "1m")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> Plan.parseDuration("x-fake-ttft", "-3")).hasMessageContaining("x-fake-ttft");
        assertThatThrownBy(() -> Plan.parseDuration("x-fake-ttft", "2h")).hasMessageContaining("'2h'");
    }

    @Test
    void headersOverrideTheDefaults() {
        Plan plan = plan(
                Fault.NONE,
                Map.of(
                        "x-fake-latency",
                        "1",
                        "x-fake-ttft",
                        "2",
                        "x-fake-delta-interval",
                        "3",
                        "x-fake-deltas",
                        "4",
                        "x-fake-stall",
                        "5"));
        assertThat(plan)
                .isEqualTo(new Plan(
                        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3), 4, Duration.ofMillis(5)));
        assertThat(plan(Fault.NONE, Map.of()))
                .isEqualTo(new Plan(
                        Duration.ofMillis(5), Duration.ofMillis(6), Duration.ofMillis(7), 12, Plan.FAULT_DEFAULT_WAIT));
    }

    @Test
    void timingFaultsWaitThirtySecondsUnlessTold() {
        assertThat(plan(Fault.SLOW_HEADERS, Map.of()).latency()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan(Fault.SLOW_HEADERS, Map.of("x-fake-latency", "10ms")).latency())
                .isEqualTo(Duration.ofMillis(10));
        assertThat(plan(Fault.SLOW_FIRST_TOKEN, Map.of()).ttft()).isEqualTo(Duration.ofSeconds(30));
        assertThat(plan(Fault.STALL, Map.of()).stall()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void faultIsChosenByHeaderBeforeModel() {
        assertThat(Fault.select(Optional.of("reset"), Optional.of("fault-stall")))
                .isEqualTo(Fault.RESET);
        assertThat(Fault.select(Optional.empty(), Optional.of("fault-stall"))).isEqualTo(Fault.STALL);
        assertThat(Fault.select(Optional.empty(), Optional.of("claude"))).isEqualTo(Fault.NONE);
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-nope")))
                .isInstanceOf(BadRequest.class);
    }
}
