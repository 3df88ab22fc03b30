package dev.sluice.gateway.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.gateway.provider.NdjsonReader;
import dev.sluice.gateway.provider.SseEvent;
import dev.sluice.gateway.provider.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Fuzz targets for the upstream stream parsers. Under {@code ./mvnw verify} they run in Jazzer's
 * regression mode over the saved inputs in src/test/resources/.../ParserFuzzTestInputs; fuzz for real
 * with {@code JAZZER_FUZZ=1 ./mvnw -pl sluice-gateway test -Dtest=ParserFuzzTest}. The only accepted
 * failures are IOExceptions (a malformed or oversized stream); anything else is a bug.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void sseReaderNeverFailsOtherThanWithAnIoExceptionAndStaysBounded(byte[] data) {
        SseReader reader = new SseReader(new ByteArrayInputStream(data), 4096);
        try {
            Optional<SseEvent> e;
            int events = 0;
            while ((e = reader.next()).isPresent()) {
                if (e.get().data().length() > 4096 * 2) {
                    throw new IllegalStateException(
                            "event larger than the bound: " + e.get().data().length());
                }
                if (++events > data.length + 1) {
                    throw new IllegalStateException("more events than bytes");
                }
            }
        } catch (IOException expected) {
            // malformed or oversized: reported as an IOException, which the relay turns into an error event
        }
    }

    @FuzzTest(maxDuration = "30s")
    void ndjsonReaderNeverFailsOtherThanWithAnIoException(FuzzedDataProvider in) {
        int max = in.consumeInt(1, 1024);
        NdjsonReader reader = new NdjsonReader(new ByteArrayInputStream(in.consumeRemainingAsBytes()), max);
        try {
            while (reader.next().isPresent()) {
                // read every line
            }
        } catch (IOException expected) {
            // a line over the bound
        }
    }
}
