package dev.sluice.bench.jmh;

import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.logging.AccessLogWriter;
import dev.sluice.gateway.proxy.AccessLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The access log's cost on the request thread, per finished request, with the shipped console format
 * (conf/logging.properties) and a real {@link ConsoleHandler} whose standard error is /dev/null (so each
 * write is a real system call): {@code synchronousJul} is the path before issue 20 (System.Logger to JUL on
 * the request thread: caller inference, String.format, one write and flush per line); {@code queuedLine} is
 * {@link AccessLog} now (the line built and offered to the {@link AccessLogWriter}'s bounded queue).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessLogBenchmark {

    private static final String SHIPPED_FORMAT = dev.sluice.gateway.logging.TextLogFormatter.FORMAT;

    PrintStream savedErr;
    Logger access; // held: JUL keeps loggers weakly
    ConsoleHandler console;
    System.Logger before;
    AccessLogWriter writer;
    AccessLog after;
    Completion completion;

    @Setup
    public void setup() throws IOException {
        savedErr = System.err;
        System.setErr(new PrintStream(new FileOutputStream("/dev/null"), false)); // ConsoleHandler's destination
        System.setProperty("java.util.logging.SimpleFormatter.format", SHIPPED_FORMAT);
        access = Logger.getLogger(AccessLogWriter.LOGGER);
        access.setUseParentHandlers(false);
        console = new ConsoleHandler();
        console.setLevel(Level.ALL);
        access.addHandler(console);
        before = System.getLogger(AccessLogWriter.LOGGER);
        writer = new AccessLogWriter(AccessLogWriter.DEFAULT_CAPACITY, AccessLog.class.getName(), "completed");
        after = new AccessLog(true, writer);
        completion = SampleCompletion.streamedAnswer();
    }

    @TearDown
    public void tearDown() {
        writer.close();
        access.removeHandler(console);
        access.setUseParentHandlers(true);
        PrintStream nul = System.err;
        System.setErr(savedErr);
        nul.close();
        AccessLogWriter.Stats s = writer.stats();
        System.out.println("writer: offered " + s.offered() + ", written " + s.written() + ", dropped " + s.dropped());
    }

    @Benchmark
    public void synchronousJul() {
        before.log(System.Logger.Level.INFO, AccessLog.line(completion));
    }

    @Benchmark
    public void queuedLine() {
        after.completed(completion);
    }
}
