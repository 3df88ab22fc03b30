package dev.sluice.bench.jmh;

import dev.sluice.gateway.logging.TextLogFormatter;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
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

/**
 * The access log writer's own cost per line: formatting one access record in the shipped text format, by the
 * JDK's {@link SimpleFormatter} ({@code String.format} per line) and by {@link TextLogFormatter} (the same text).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LogFormatBenchmark {

    SimpleFormatter simple;
    TextLogFormatter text;
    LogRecord record;

    @Setup
    public void setup() {
        System.setProperty("java.util.logging.SimpleFormatter.format", TextLogFormatter.FORMAT);
        simple = new SimpleFormatter();
        text = new TextLogFormatter();
        record = new LogRecord(
                Level.INFO,
                "POST /v1/chat/completions 200 1.2ms key=- model=bench dialect=openai stream=false outcome=SUCCESS"
                        + " targets=default/bench tokens=12/34 cache=off");
        record.setInstant(Instant.parse("2026-12-07T21:42:05.123Z"));
        record.setLoggerName("sluice.access");
        record.setSourceClassName("dev.sluice.gateway.proxy.AccessLog");
        record.setSourceMethodName("record");
    }

    @Benchmark
    public String simpleFormatter() {
        return simple.format(record);
    }

    @Benchmark
    public String textLogFormatter() {
        return text.format(record);
    }
}
