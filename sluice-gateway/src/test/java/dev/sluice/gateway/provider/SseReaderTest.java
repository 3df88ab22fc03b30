package dev.sluice.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseEvent> readAll(String wire, int max) throws IOException {
        return readAll(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), max);
    }

    private static List<SseEvent> readAll(InputStream in, int max) throws IOException {
        SseReader reader = new SseReader(in, max);
        List<SseEvent> events = new ArrayList<>();
        for (Optional<SseEvent> e = reader.next(); e.isPresent(); e = reader.next()) {
            events.add(e.get());
        }
        return events;
    }

    @Test
    void parsesNamedEventsWithAnyLineEnding() throws IOException {
        String wire = "event: a\ndata: {\"x\":1}\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\r";

        assertThat(readAll(wire, 1024))
                .containsExactly(new SseEvent("a", "{\"x\":1}"), new SseEvent("b", "2"), new SseEvent("c", "3"));
    }

    @Test
    void joinsMultiLineDataSkipsCommentsAndDefaultsTheName() throws IOException {
        String wire = ": ping\n\ndata: one\ndata:two\nid: 7\nretry: 10\n\n";

        assertThat(readAll(wire, 1024)).containsExactly(new SseEvent("message", "one\ntwo"));
    }

    @Test
    void dropsAPartialEventAtEndOfStream() throws IOException {
        assertThat(readAll("event: a\ndata: 1\n\nevent: b\ndata: cut", 1024)).containsExactly(new SseEvent("a", "1"));
    }

    @Test
    void survivesEventsSplitAcrossReadsAtEveryByte() throws IOException {
        String wire = "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n";
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new InputStream() {
            private int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };

        assertThat(readAll(oneByteAtATime, 1024))
                .containsExactly(new SseEvent("message_start", "{\"type\":\"message_start\"}"));
    }

    @Test
    void eventsLargerThanOneReadChunkArriveWhole() throws IOException {
        String big = "x".repeat(FrameReader.READ_CHUNK * 3 + 17); // spans four reads
        String pad = "y".repeat(FrameReader.READ_CHUNK - "data: ".length() - 1);
        String wire = "event: a\r\ndata: " + big + "\r\n\r\ndata: " + pad + "\r\n\r\nevent: b\ndata: 2\n\n";

        assertThat(readAll(wire, 1 << 20))
                .containsExactly(new SseEvent("a", big), new SseEvent("message", pad), new SseEvent("b", "2"));
    }

    @Test
    void anEventLargerThanTheBoundFailsInsteadOfGrowingTheHeap() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };

        assertThatThrownBy(() -> readAll(endless, 64 * 1024))
                .isInstanceOf(SseReader.EventTooLargeException.class)
                .hasMessageContaining("65536");
    }

    @Test
    void manySmallLinesOfOneEventAlsoCountTowardsTheBound() {
        String wire = "data: 0123456789\n".repeat(1000);

        assertThatThrownBy(() -> readAll(wire, 4096)).isInstanceOf(SseReader.EventTooLargeException.class);
    }

    @Test
    void wireFormRoundTrips() throws IOException {
        SseEvent e = new SseEvent("content_block_delta", "line1\nline2");

        assertThat(readAll(new String(e.toWire(), StandardCharsets.UTF_8), 1024))
                .containsExactly(e);
    }

    /** A source that gives its pieces one per read, with "nothing yet" between them. */
    static ByteSource trickle(String... pieces) {
        return new ByteSource() {
            private int i;
            private boolean gap;

            @Override
            public int read(byte[] b, int off, int len, long waitNanos) {
                if (i == pieces.length) {
                    return -1;
                }
                gap = !gap;
                if (gap) {
                    return 0; // nothing arrived within the wait
                }
                byte[] p = pieces[i++].getBytes(StandardCharsets.UTF_8);
                System.arraycopy(p, 0, b, off, p.length);
                return p.length;
            }
        };
    }

    @Test
    void aPollThatWaitsOutMidEventResumesWhereItStopped() throws IOException {
        SseReader reader =
                new SseReader(trickle("event: a\nda", "ta: one\n", "data: two\n", "\nevent: b\ndata: 2\n\n"), 1024);
        List<SseEvent> got = new ArrayList<>();
        int waitedOut = 0;
        while (!reader.ended()) {
            SseEvent e = reader.poll(1_000_000);
            if (e != null) {
                got.add(e);
            } else if (!reader.ended()) {
                waitedOut++;
            }
        }
        assertThat(got).containsExactly(new SseEvent("a", "one\ntwo"), new SseEvent("b", "2"));
        assertThat(waitedOut).as("polls that found nothing whole yet").isEqualTo(4);
    }

    @Test
    void ndjsonLinesSplitAcrossWaitsArriveWhole() throws IOException {
        NdjsonReader reader = new NdjsonReader(trickle("{\"a\":", "1}\n\n{\"b\"", ":2}"), 1024);
        List<SseEvent> got = new ArrayList<>();
        while (!reader.ended()) {
            SseEvent e = reader.poll(1_000_000);
            if (e != null) {
                got.add(e);
            }
        }
        assertThat(got).containsExactly(new SseEvent("message", "{\"a\":1}"), new SseEvent("message", "{\"b\":2}"));
    }
}
