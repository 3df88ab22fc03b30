package dev.sluice.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListenerProbeTest {

    @Test
    void aListeningSocketIsLeftAlone() throws Exception {
        AtomicInteger restarts = new AtomicInteger();
        try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ListenerProbe probe = ListenerProbe.start(
                    "127.0.0.1", listening::getLocalPort, restarts::incrementAndGet, Duration.ofHours(1));
            try {
                for (int i = 0; i < 5; i++) {
                    probe.probe();
                }
            } finally {
                probe.close();
            }
        }
        assertThat(restarts).hasValue(0);
    }

    @Test
    void twoRefusalsInARowRestartTheListener() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        AtomicInteger restarts = new AtomicInteger();
        ListenerProbe probe =
                ListenerProbe.start("127.0.0.1", () -> port, restarts::incrementAndGet, Duration.ofHours(1));
        try {
            probe.probe();
            assertThat(restarts).as("one refusal may be a race with a restart").hasValue(0);
            probe.probe();
            assertThat(restarts).hasValue(1);
        } finally {
            probe.close();
        }
    }

    @Test
    void aClosingServerIsNotRestarted() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        AtomicInteger restarts = new AtomicInteger();
        ListenerProbe probe =
                ListenerProbe.start("127.0.0.1", () -> port, restarts::incrementAndGet, Duration.ofHours(1));
        probe.close();
        probe.probe();
        probe.probe();
        assertThat(restarts).hasValue(0);
    }

    @Test
    void wildcardHostsAreProbedOnLoopback() {
        assertThat(ListenerProbe.loopbackFor("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(ListenerProbe.loopbackFor("::")).isEqualTo("::1");
        assertThat(ListenerProbe.loopbackFor("10.1.2.3")).isEqualTo("10.1.2.3");
    }
}
