package dev.sluice.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deadline rules of {@link ClientConnection}, with time given by the test. */
class ConnectionDeadlinesTest {

    private static final long S = 1_000_000_000L;

    @Test
    void headersPastTheirDeadlineAreOverdue() {
        var c = new ClientConnection(null, null);
        c.phase(ConnectionWatch.Phase.HEADERS, 10 * S);
        assertThat(c.overdue(10 * S, 0)).isNull();
        assertThat(c.overdue(10 * S + 1, 0)).isEqualTo(ConnectionWatch.Cut.HEADER_TIMEOUT);
    }

    @Test
    void aBodyIsCutAtItsDeadlineOrWhenSlowerThanTheMinimumRateAfterTheGrace() {
        var c = new ClientConnection(null, null);
        c.phase(ConnectionWatch.Phase.BODY, 60 * S);
        c.bodyStarted(0);
        c.bodyRead(100);
        assertThat(c.overdue(4 * S, 4096)).as("within the 5 s grace").isNull();
        assertThat(c.overdue(6 * S, 4096)).isEqualTo(ConnectionWatch.Cut.SLOW_UPLOAD);
        c.bodyRead(6 * 4096);
        assertThat(c.overdue(6 * S, 4096)).as("fast enough now").isNull();
        assertThat(c.overdue(6 * S, 0)).as("rate check off").isNull();
        assertThat(c.overdue(61 * S, 0)).isEqualTo(ConnectionWatch.Cut.BODY_TIMEOUT);
    }

    @Test
    void theHandlerPhaseHasNoDeadlineButABlockedWriteHasOne() {
        var c = new ClientConnection(null, null);
        c.phase(ConnectionWatch.Phase.BODY, 1);
        c.bodyDone();
        c.bodyDone(); // idempotent
        assertThat(c.overdue(Long.MAX_VALUE / 2, 4096)).isNull();
        c.writeStarts(5 * S);
        assertThat(c.overdue(5 * S, 0)).isNull();
        assertThat(c.overdue(5 * S + 1, 0)).isEqualTo(ConnectionWatch.Cut.WRITE_STALLED);
        c.writeDone();
        assertThat(c.overdue(100 * S, 0)).isNull();
    }

    @Test
    void aNewRequestForgetsThatTheLastOneClosesTheConnection() {
        var c = new ClientConnection(null, null);
        c.closeAfterAnswer();
        assertThat(c.closingAfterAnswer()).isTrue();
        c.phase(ConnectionWatch.Phase.HEADERS, S);
        assertThat(c.closingAfterAnswer()).isFalse();
    }
}
