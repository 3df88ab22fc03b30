package dev.sluice.bench.jmh;

import dev.sluice.gateway.provider.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing one streamed answer of 64 content_block_delta events (what the relay's reader does per stream). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseParsingBenchmark {

    byte[] stream;

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\"}\n\n");
        for (int i = 0; i < 64; i++) {
            sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"text_delta\",\"text\":\" word")
                    .append(i)
                    .append("\"}}\n\n");
        }
        sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        stream = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public int parse64Deltas() throws IOException {
        SseReader r = new SseReader(new ByteArrayInputStream(stream), 16 * 1024 * 1024);
        int n = 0;
        while (r.next().isPresent()) {
            n++;
        }
        return n;
    }
}
