package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
                        Duration.ofMillis(1),
                        Duration.ofMillis(2),
                        Duration.ofMillis(3),
                        4,
                        Duration.ofMillis(5),
                        OptionalInt.empty()));
        assertThat(plan(Fault.NONE, Map.of()))
                .isEqualTo(new Plan(
                        Duration.ofMillis(5),
                        Duration.ofMillis(6),
                        Duration.ofMillis(7),
                        12,
                        Plan.FAULT_DEFAULT_WAIT,
                        OptionalInt.empty()));
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
        assertThat(Fault.select(Optional.of("reset"), Optional.of("fault-stall"))
                        .fault())
                .isEqualTo(Fault.RESET);
        assertThat(Fault.select(Optional.empty(), Optional.of("fault-stall")).fault())
                .isEqualTo(Fault.STALL);
        assertThat(Fault.select(Optional.empty(), Optional.of("claude")).fault())
                .isEqualTo(Fault.NONE);
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-nope")))
                .isInstanceOf(BadRequest.class);
    }

    @Test
    void faultNamesTakeOptionsInAnyOrder() {
        Fault.Choice choice = Fault.select(Optional.empty(), Optional.of("fault-stream-cut-times-2-at-3"));
        assertThat(choice.fault()).isEqualTo(Fault.STREAM_CUT);
        assertThat(choice.at()).hasValue(3);
        assertThat(choice.times()).hasValue(2);
        assertThat(choice.key()).isEqualTo("fault-stream-cut-times-2-at-3");
        Fault.Choice slow = Fault.select(Optional.of("slow-first-token-after-250"), Optional.of("claude"));
        assertThat(slow.fault()).isEqualTo(Fault.SLOW_FIRST_TOKEN);
        assertThat(slow.after()).contains(Duration.ofMillis(250));
        assertThat(slow.times()).isEmpty();
        // a fault whose own name ends in a word is not mistaken for an option
        assertThat(Fault.select(Optional.empty(), Optional.of("fault-rate-limit-no-retry-after-times-1"))
                        .fault())
                .isEqualTo(Fault.RATE_LIMIT_NO_RETRY_AFTER);
    }

    @Test
    void faultOptionsThatCannotApplyAreRefused() {
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-server-error-at-3")))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("-at-");
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-stall-after-10")))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("-after-");
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-stall-at-1-at-2")))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> Fault.select(Optional.empty(), Optional.of("fault-server-error-times-0")))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void theFaultsPointAndWaitComeFromTheNameUnlessAHeaderSays() {
        Fault.Choice cut = Fault.select(Optional.empty(), Optional.of("fault-stream-cut-at-3"));
        assertThat(Plan.of(DEFAULTS, cut, name -> Optional.empty()).strikeAt(8)).isEqualTo(3);
        assertThat(Plan.of(DEFAULTS, cut, name -> Optional.empty()).strikeAt(2))
                .as("at most all the deltas")
                .isEqualTo(2);
        assertThat(Plan.of(
                                DEFAULTS,
                                cut,
                                name -> Optional.ofNullable(
                                        Map.of("x-fake-fault-at", "5").get(name)))
                        .strikeAt(8))
                .isEqualTo(5);
        assertThat(plan(Fault.STREAM_CUT, Map.of()).strikeAt(8))
                .as("half by default")
                .isEqualTo(4);
        assertThat(plan(Fault.STREAM_CUT, Map.of()).strikeAt(0)).isEqualTo(-1);
        assertThat(plan(Fault.SERVER_ERROR, Map.of("x-fake-fault-at", "5")).at())
                .as("ignored for a fault that does not strike mid-stream")
                .isEmpty();
        Fault.Choice slow = Fault.select(Optional.empty(), Optional.of("fault-slow-first-token-after-40"));
        assertThat(Plan.of(DEFAULTS, slow, name -> Optional.empty()).ttft()).isEqualTo(Duration.ofMillis(40));
        Fault.Choice headers = Fault.select(Optional.empty(), Optional.of("fault-slow-headers-after-41"));
        assertThat(Plan.of(DEFAULTS, headers, name -> Optional.empty()).latency())
                .isEqualTo(Duration.ofMillis(41));
        assertThat(Plan.of(
                                DEFAULTS,
                                slow,
                                name -> Optional.ofNullable(
                                        Map.of("x-fake-ttft", "7").get(name)))
                        .ttft())
                .isEqualTo(Duration.ofMillis(7));
    }
}
