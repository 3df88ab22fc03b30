package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkedBodyTest {

    private static final String TWO_CHUNKS = "3;ext=\"a\"\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n";

    @Test
    void decodesChunksSkippingExtensionsAndTrailers() throws IOException {
        ChunkedBody body = new ChunkedBody(input(TWO_CHUNKS));

        assertThat(readAll(body)).isEqualTo("abcde");
        assertThat(body.endedCleanly()).isTrue();
    }

    @Test
    void acceptsUppercaseHexAndBareLf() throws IOException {
        ChunkedBody body = new ChunkedBody(input("A\nabcdefghij\n0\n\n"));

        assertThat(readAll(body)).isEqualTo("abcdefghij");
        assertThat(body.endedCleanly()).isTrue();
    }

    @Test
    void endOfInputBeforeTheTerminalChunkIsNotClean() throws IOException {
        ChunkedBody body = new ChunkedBody(input("3\r\nabc\r\n5\r\nde"));

        assertThat(readAll(body)).isEqualTo("abcde");
        assertThat(body.endedCleanly()).isFalse();
    }

    @Test
    void malformedSizeLineNamesTheLine() {
        ChunkedBody body = new ChunkedBody(input("zz\r\nabc\r\n0\r\n\r\n"));

        assertThatThrownBy(() -> readAll(body)).isInstanceOf(IOException.class).hasMessageContaining("'zz'");
    }

    @Test
    void missingCrlfAfterChunkDataIsMalformed() {
        ChunkedBody body = new ChunkedBody(input("3\r\nabcX\r\n0\r\n\r\n"));

        assertThatThrownBy(() -> readAll(body)).isInstanceOf(IOException.class).hasMessageContaining("expected CRLF");
    }

    @Test
    void readTimeoutsAnywhereInTheFramingLoseNothing() throws IOException {
        int[] everyOffset = new int[TWO_CHUNKS.length()];
        for (int i = 0; i < everyOffset.length; i++) {
            everyOffset[i] = i;
        }
        ChunkedBody body = new ChunkedBody(new StutteringInput(TWO_CHUNKS, everyOffset));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int timeouts = 0;
        for (int b = 0; b != -1; ) {
            try {
                b = body.read();
                if (b != -1) {
                    out.write(b);
                }
            } catch (SocketTimeoutException e) {
                timeouts++;
            }
        }
        assertThat(timeouts).isEqualTo(TWO_CHUNKS.length());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("abcde");
        assertThat(body.endedCleanly()).isTrue();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
