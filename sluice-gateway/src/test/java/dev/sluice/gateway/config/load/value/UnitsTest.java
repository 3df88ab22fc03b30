package dev.sluice.gateway.config.load.value;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void sizesUseBinaryUnits() {
        assertThat(Units.parseSize("32MiB")).isEqualTo(32L * 1024 * 1024);
        assertThat(Units.parseSize("64KiB")).isEqualTo(65536);
        assertThat(Units.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("512B")).isEqualTo(512);
        assertThat(Units.parseSize("1024")).isEqualTo(1024);
        assertThat(Units.parseSize(" 2 mib ")).isEqualTo(2L << 20);
    }

    @Test
    void ambiguousAndUnknownSizeUnitsAreRejected() {
        for (String bad : new String[] {"32MB", "64KB", "1GB", "10M", "5k"}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Units.parseSize(bad))
                    .withMessageContaining("ambiguous");
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseSize("3PiB"))
                .withMessageContaining("unknown");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseSize("1.5MiB"))
                .withMessageContaining("not a size");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseSize("99999999999GiB"))
                .withMessageContaining("too large");
    }

    @Test
    void sizesPrintInTheLargestExactUnit() {
        assertThat(Units.formatSize(32L << 20)).isEqualTo("32MiB");
        assertThat(Units.formatSize(1536)).isEqualTo("1536B");
        assertThat(Units.formatSize(3072)).isEqualTo("3KiB");
        assertThat(Units.formatSize(1000)).isEqualTo("1000B");
        assertThat(Units.formatSize(1L << 30)).isEqualTo("1GiB");
    }

    @Test
    void durationsAcceptIsoAndShortForms() {
        assertThat(Units.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.parseDuration("0")).isZero();
    }

    @Test
    void malformedDurationsAreRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("30"))
                .withMessageContaining("no unit");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("2d"))
                .withMessageContaining("unknown");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("PT5X"))
                .withMessageContaining("ISO-8601");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("1.5s"))
                .withMessageContaining("not a duration");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Units.parseDuration("99999999999999999h"))
                .withMessageContaining("too long");
    }

    @Test
    void durationsPrintInTheLargestExactUnit() {
        assertThat(Units.formatDuration(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Units.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Units.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Units.formatDuration(Duration.ofNanos(1500))).isEqualTo("PT0.0000015S");
        assertThat(Units.formatDuration(Duration.ZERO)).isEqualTo("0s");
    }
}
