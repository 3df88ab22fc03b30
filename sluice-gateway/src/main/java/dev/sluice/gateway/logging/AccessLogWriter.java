package dev.sluice.gateway.logging;

import dev.sluice.core.LeakSource;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ConsoleHandler;
import java.util.logging.ErrorManager;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The access log's way to the console without costing the request: the request thread only offers its
 * finished line to a bounded queue (a full queue drops the line and counts it, never blocks); one daemon
 * writer thread drains the queue and hands each line to the {@code sluice.access} logger's handlers as a
 * {@link LogRecord} with the request's time, thread and source already set (so JUL never walks the stack),
 * formatted by each handler's own formatter (text or {@link JsonLogFormatter}, with the request's id and trace id
 * bound).
 * Console handlers get the batch's lines in one write and one flush to standard error; other handlers
 * (files, tests' taps) are published to record by record. {@link #close()} writes what is queued within a
 * deadline and stops the thread.
 */
public final class AccessLogWriter implements AutoCloseable, LeakSource {

    /** The logger the lines are published to, as before: operators' logging config names it. */
    public static final String LOGGER = "sluice.access";

    /** Lines waiting at most: a few thousand lines of about 200 bytes. */
    public static final int DEFAULT_CAPACITY = 4096;

    private static final int BATCH = 512;
    /** How long the idle writer sleeps: the most a line waits before it is written. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Counters: every offered line ends written, dropped, or still queued. */
    public record Stats(long offered, long written, long dropped, int queued, int capacity) {}

    private record Line(
            long epochMillis,
            long threadId,
            @Nullable String requestId,
            @Nullable String traceId,
            String message) {}

    private final Logger logger = Logger.getLogger(LOGGER); // held: its level and handlers stay configured
    private final PrintStream console = System.err; // where ConsoleHandler writes
    private final String sourceClass;
    private final String sourceMethod;
    private final int capacity;
    private final ArrayBlockingQueue<Line> queue;
    private final LongAdder offered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private final AtomicLong written = new AtomicLong();
    private volatile boolean closing;

    /**
     * A writer for lines logged by {@code sourceClass.sourceMethod} (the record's source, which JUL would
     * otherwise find by walking the stack), holding at most {@code capacity} lines.
     */
    public AccessLogWriter(int capacity, String sourceClass, String sourceMethod) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.sourceClass = sourceClass;
        this.sourceMethod = sourceMethod;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().name("sluice-access-log").daemon(true).start(this::writeLoop);
    }

    /** Whether the {@code sluice.access} logger takes INFO lines now (its level can be set to OFF). */
    public boolean enabled() {
        return logger.isLoggable(Level.INFO);
    }

    /**
     * Queues one line with this moment, this thread and this thread's request and trace ids; never blocks. Returns
     * false (and counts the line dropped) when the queue is full or the writer is closing.
     */
    public boolean offer(String message) {
        return offer(message, RequestIds.current(), RequestIds.currentTrace());
    }

    /**
     * Queues one line with this moment and this thread, for the request {@code requestId} of the trace
     * {@code traceId} ({@code null} or {@code ""}: none), whatever this thread has bound; never blocks. Returns
     * false (and counts the line dropped) when the queue is full or the writer is closing.
     */
    public boolean offer(String message, @Nullable String requestId, @Nullable String traceId) {
        offered.increment();
        Line line = new Line(
                System.currentTimeMillis(),
                Thread.currentThread().threadId(),
                requestId,
                traceId == null || traceId.isEmpty() ? null : traceId,
                message);
        if (closing || !queue.offer(line)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    public Stats stats() {
        return new Stats(offered.sum(), written.get(), dropped.sum(), queue.size(), capacity);
    }

    private void writeLoop() {
        List<Line> batch = new ArrayList<>(BATCH);
        while (!(closing && Thread.currentThread().isInterrupted())) { // interrupted: close's deadline passed
            queue.drainTo(batch, BATCH);
            if (batch.isEmpty()) {
                if (closing) {
                    return;
                }
                LockSupport.parkNanos(this, IDLE_NANOS);
                if (Thread.interrupted() && closing) {
                    return;
                }
                continue;
            }
            try {
                write(batch);
            } catch (RuntimeException e) {
                // a handler's own failure: the lines are lost, the writer goes on
                new ErrorManager().error("access log batch not written", e, ErrorManager.WRITE_FAILURE);
            }
            written.addAndGet(batch.size());
            batch.clear();
        }
    }

    /** Publishes the batch as {@link Logger#log(LogRecord)} would, console handlers' output gathered. */
    private void write(List<Line> batch) {
        IdentityHashMap<Handler, StringBuilder> consoles = new IdentityHashMap<>(2);
        Filter filter = logger.getFilter();
        for (Line line : batch) {
            LogRecord r = record(line);
            if (!logger.isLoggable(Level.INFO) || (filter != null && !filter.isLoggable(r))) {
                continue;
            }
            String id = line.requestId();
            if (id == null) {
                publish(r, consoles);
            } else {
                RequestIds.Binding bound = RequestIds.bind(id, line.traceId()); // JsonLogFormatter reads them
                try {
                    publish(r, consoles);
                } finally {
                    bound.close();
                }
            }
        }
        consoles.forEach((h, text) -> {
            String encoding = h.getEncoding();
            Charset cs = encoding == null ? Charset.defaultCharset() : Charset.forName(encoding);
            byte[] bytes = text.toString().getBytes(cs);
            console.write(bytes, 0, bytes.length);
            console.flush();
        });
    }

    private void publish(LogRecord r, IdentityHashMap<Handler, StringBuilder> consoles) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            for (Handler h : l.getHandlers()) {
                if (h instanceof ConsoleHandler) {
                    gather(h, r, consoles);
                } else {
                    h.publish(r);
                }
            }
            if (!l.getUseParentHandlers()) {
                return;
            }
        }
    }

    private LogRecord record(Line line) {
        LogRecord r = new LogRecord(Level.INFO, line.message());
        r.setInstant(Instant.ofEpochMilli(line.epochMillis()));
        r.setLoggerName(LOGGER);
        r.setSourceClassName(sourceClass);
        r.setSourceMethodName(sourceMethod);
        r.setLongThreadID(line.threadId());
        return r;
    }

    /** What {@code ConsoleHandler.publish} would write for the record, kept for the batch's one write. */
    private static void gather(Handler h, LogRecord r, IdentityHashMap<Handler, StringBuilder> consoles) {
        if (!h.isLoggable(r)) {
            return;
        }
        String text;
        try {
            text = h.getFormatter().format(r);
        } catch (RuntimeException e) {
            new ErrorManager().error("access log line not formatted", e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        consoles.computeIfAbsent(h, k -> new StringBuilder(8192)).append(text);
    }

    /** Writes what is queued within {@code deadline} (lines still queued then are dropped) and stops. */
    public void close(Duration deadline) {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(deadline.toMillis());
            if (writer.isAlive()) {
                writer.interrupt();
                writer.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Line> left = new ArrayList<>();
        queue.drainTo(left);
        dropped.add(left.size());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    @Override
    public String leakSourceName() {
        return "access log writer";
    }

    @Override
    public List<String> leaks() {
        return closing && writer.isAlive() ? List.of("access log writer thread alive after close") : List.of();
    }
}
