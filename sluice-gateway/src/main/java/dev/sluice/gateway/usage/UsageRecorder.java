package dev.sluice.gateway.usage;

import dev.sluice.core.LeakSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Writes usage records in batches without ever blocking a request or growing the heap: records wait
 * in a queue of fixed capacity that drops the OLDEST when full (and counts it); one writer thread
 * drains it in batches, each batch one transaction. When the database fails, the writer keeps its
 * one batch (at most {@code batchSize} records) and retries with capped backoff while new records
 * keep arriving and the oldest are dropped. {@link #close()} flushes within a deadline and stops
 * the thread. The batch's INSERT is {@link UsageInsert}'s.
 */
public final class UsageRecorder implements AutoCloseable, LeakSource {

    private static final System.Logger LOG = System.getLogger("sluice.usage");

    /** Counters: every recorded record ends written, dropped, or still queued (incl. the batch in hand). */
    public record Stats(
            long recorded,
            long written,
            long dropped,
            long queued,
            long writeFailures,
            String lastError,
            long lastFlushAtMillis,
            int capacity) {}

    private final DataSource db;
    private final int capacity;
    private final int batchSize;
    private final Duration flushInterval;
    private final ArrayDeque<UsageRecord> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Thread writer;
    private List<UsageRecord> inHand = List.of();
    private long recorded;
    private long written;
    private long dropped;
    private long failures;
    private String lastError = "";
    private long lastFlush;
    private volatile boolean closing;

    public UsageRecorder(DataSource db, int capacity, int batchSize, Duration flushInterval) {
        this.db = db;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.queue = new ArrayDeque<>(Math.min(capacity, 4096));
        this.writer =
                Thread.ofPlatform().name("sluice-usage-writer").daemon(true).start(this::writeLoop);
    }

    /** Queues a record; never blocks. When the queue is full the oldest record is dropped. */
    public void record(UsageRecord r) {
        lock.lock();
        try {
            recorded++;
            if (closing) {
                dropped++;
                return;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(r);
            if (queue.size() >= batchSize) {
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(
                    recorded, written, dropped, queue.size() + inHand.size(), failures, lastError, lastFlush, capacity);
        } finally {
            lock.unlock();
        }
    }

    private void writeLoop() {
        long backoffMs = 0;
        while (true) {
            List<UsageRecord> batch;
            lock.lock();
            try {
                if (inHand.isEmpty()) {
                    if (queue.isEmpty() || (queue.size() < batchSize && !closing)) {
                        if (closing && queue.isEmpty()) {
                            return;
                        }
                        ready.await(backoffMs > 0 ? backoffMs : flushInterval.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    List<UsageRecord> next = new ArrayList<>(Math.min(batchSize, queue.size()));
                    while (next.size() < batchSize && !queue.isEmpty()) {
                        next.add(queue.pollFirst());
                    }
                    inHand = next;
                } else if (backoffMs > 0 && !closing) {
                    ready.await(backoffMs, TimeUnit.MILLISECONDS);
                }
                batch = inHand;
            } catch (InterruptedException stop) {
                return;
            } finally {
                lock.unlock();
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                UsageInsert.insert(db, batch);
                backoffMs = 0;
                settle(batch.size(), 0, null);
            } catch (SQLException | RuntimeException e) {
                backoffMs = backoffMs == 0 ? 100 : Math.min(5000, backoffMs * 2);
                settle(0, closing ? batch.size() : 0, e);
                if (closing) {
                    return;
                }
            }
        }
    }

    /** Accounts for the batch in hand: written, or dropped (only when closing), or kept for a retry. */
    private void settle(int wrote, int droppedNow, @Nullable Exception error) {
        lock.lock();
        try {
            written += wrote;
            dropped += droppedNow;
            if (error == null || droppedNow > 0) {
                inHand = List.of();
            }
            if (error == null) {
                lastFlush = System.currentTimeMillis();
            } else {
                failures++;
                String m = String.valueOf(error.getMessage());
                lastError = m.length() > 200 ? m.substring(0, 200) : m;
                if (failures == 1 || failures % 100 == 0) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "usage records not written (failure " + failures + "): " + lastError
                                    + "; retrying with backoff, oldest records dropped when the queue is full");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes what is queued within {@code deadline} (records still unwritten then are dropped) and stops. */
    public void close(Duration deadline) {
        lock.lock();
        try {
            closing = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(deadline.toMillis());
            if (writer.isAlive()) {
                writer.interrupt();
                writer.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            dropped += queue.size() + inHand.size();
            queue.clear();
            inHand = List.of();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(3));
    }

    @Override
    public String leakSourceName() {
        return "usage recorder";
    }

    @Override
    public List<String> leaks() {
        return closing && writer.isAlive() ? List.of("usage writer thread alive after close") : List.of();
    }
}
