package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseParserTest {

    @Test
    void lfCrlfAndLoneCrAllEndLines() throws IOException {
        assertThat(parseAll("data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\r\n\n"))
                .extracting(SseEvent::data)
                .containsExactly("a", "b", "c", "d");
    }

    @Test
    void fieldsFollowTheSpecForColonsSpacesAndUnknownNames() throws IOException {
        assertThat(parseAll("event:ping\ndata:  two spaces\nid: 7\nretry: 10\nfoo: bar\ndata\n\n"))
                .containsExactly(new SseEvent("ping", " two spaces\n"));
    }

    @Test
    void eventNameResetsAfterEachEventAndDefaultsToMessage() throws IOException {
        assertThat(parseAll("event: a\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n"))
                .containsExactly(new SseEvent("a", "1"), new SseEvent("message", "2"), new SseEvent("message", "3"));
    }

    @Test
    void eventWithoutDataIsStillReturnedButBlankLinesAloneAreNot() throws IOException {
        assertThat(parseAll("\n\n\nevent: ping\n\n\n")).containsExactly(new SseEvent("ping", ""));
    }

    @Test
    void commentsAreCountedAndNeverReturned() throws IOException {
        SseParser parser = new SseParser();
        InputStream in = input(": hi\n:\n\ndata: x\n: between\n\n");

        assertThat(parser.next(in)).contains(new SseEvent("message", "x"));
        assertThat(parser.next(in)).isEmpty();
        assertThat(parser.comments()).isEqualTo(3);
    }

    @Test
    void unfinishedLastEventIsDroppedAtEndOfInput() throws IOException {
        assertThat(parseAll("data: kept\n\ndata: dropped\n"))
                .extracting(SseEvent::data)
                .containsExactly("kept");
    }

    @Test
    void utf8SplitAcrossReadsIsDecodedWhole() throws IOException {
        assertThat(parseAll("data: \u00e9\u6f22\ud83d\ude00\n\n"))
                .extracting(SseEvent::data)
                .containsExactly("\u00e9\u6f22\ud83d\ude00");
    }

    @Test
    void readTimeoutMidLineLosesNothing() throws IOException {
        String text = "event: delta\r\ndata: {\"x\":1}\r\n\r\n";
        SseParser parser = new SseParser();
        InputStream in = new StutteringInput(text, 3, 13, 14, 20, text.length() - 2);
        List<String> timeouts = new ArrayList<>();
        Optional<SseEvent> event = Optional.empty();
        while (event.isEmpty()) {
            try {
                event = parser.next(in);
            } catch (SocketTimeoutException e) {
                timeouts.add(e.getMessage());
            }
        }
        assertThat(timeouts).hasSize(5);
        assertThat(event).contains(new SseEvent("delta", "{\"x\":1}"));
    }

    @Test
    void endlessLineIsRefused() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        assertThatThrownBy(() -> new SseParser().next(endless)).hasMessageContaining("SSE line longer than");
    }

    private static List<SseEvent> parseAll(String text) throws IOException {
        SseParser parser = new SseParser();
        InputStream in = input(text);
        List<SseEvent> events = new ArrayList<>();
        for (Optional<SseEvent> e = parser.next(in); e.isPresent(); e = parser.next(in)) {
            events.add(e.get());
        }
        return events;
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
