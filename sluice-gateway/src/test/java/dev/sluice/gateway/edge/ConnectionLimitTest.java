package dev.sluice.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionLimitTest {

    @Test
    void configuredLimitStandsWhenDescriptorsAreplenty() {
        assertThat(ConnectionLimit.effective(10_000, 1_048_576, 150, 64)).isEqualTo(10_000);
    }

    @Test
    void lowDescriptorLimitLowersTheConnectionLimitLeavingRoomForPoolsAndOpenFiles() {
        // 1024 - 120 open - 2 x 64 pooled - 64 margin
        assertThat(ConnectionLimit.effective(10_000, 1024, 120, 64)).isEqualTo(712);
    }

    @Test
    void neverBelowTheFloor() {
        assertThat(ConnectionLimit.effective(10_000, 200, 150, 64)).isEqualTo(64);
        assertThat(ConnectionLimit.effective(10, 200, 150, 64)).isEqualTo(10);
    }
}
