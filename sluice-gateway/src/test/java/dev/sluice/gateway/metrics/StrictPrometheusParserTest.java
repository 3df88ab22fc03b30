package dev.sluice.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict parser accepts a valid exposition and rejects each of the faults peers ship. */
class StrictPrometheusParserTest {

    static final String VALID = """
            # HELP req_total requests
            # TYPE req_total counter
            req_total{code="200"} 3.0
            req_total{code="500"} 1.0
            # HELP lat seconds
            # TYPE lat histogram
            lat_bucket{le="0.1"} 1.0
            lat_bucket{le="1.0"} 3.0
            lat_bucket{le="+Inf"} 4.0
            lat_count 4.0
            lat_sum 2.5
            """;

    @Test
    void acceptsAValidExposition() {
        var families = StrictPrometheusParser.parse(VALID);
        assertThat(families).containsKeys("req_total", "lat");
        assertThat(families.get("lat").samples()).hasSize(5);
    }

    @Test
    void rejectsWhatLenientParsersLetThrough() {
        assertThatThrownBy(() -> StrictPrometheusParser.parse(
                        VALID.replace("# TYPE lat histogram", "# TYPE lat histogram\n# TYPE lat histogram")))
                .hasMessageContaining("second TYPE");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(
                        VALID.replace("# HELP lat seconds", "# HELP lat seconds\n# HELP lat again")))
                .hasMessageContaining("second HELP");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(VALID + "req_total{code=\"404\"} 1.0\n"))
                .hasMessageContaining("appears again");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(VALID.replace("lat_count 4.0", "lat_count 5.0")))
                .hasMessageContaining("_count differs");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(VALID.replace("lat_bucket{le=\"+Inf\"} 4.0\n", "")))
                .hasMessageContaining("+Inf");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(VALID.replace("1.0\"} 3.0", "1.0\"} 0.5")))
                .hasMessageContaining("cumulative");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(VALID.replace("code=\"500\"", "code=\"500\",code=\"x\"")))
                .hasMessageContaining("duplicate label");
        assertThatThrownBy(() -> StrictPrometheusParser.parse(
                        VALID.replace("req_total{code=\"500\"} 1.0", "req_total{code=\"200\"} 1.0")))
                .hasMessageContaining("duplicate series");
        assertThatThrownBy(() -> StrictPrometheusParser.parse("# TYPE s summary\ns{quantile=\"50\"} 1.0\n"))
                .hasMessageContaining("quantile");
        assertThatThrownBy(() -> StrictPrometheusParser.parse("x 1.0\n")).hasMessageContaining("without a TYPE");
        assertThatThrownBy(() -> StrictPrometheusParser.parse("# TYPE x gauge\nx{a=\"\\q\"} 1\n"))
                .hasMessageContaining("bad escape");
        assertThatThrownBy(() -> StrictPrometheusParser.parse("# TYPE x gauge\nx one\n"))
                .hasMessageContaining("bad value");
    }
}
