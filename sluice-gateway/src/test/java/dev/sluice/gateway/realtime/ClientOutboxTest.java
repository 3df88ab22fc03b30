package dev.sluice.gateway.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.gateway.realtime.SessionsReaperTest.StubClient;
import dev.sluice.testkit.LeakChecked;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox's pause and resume against its writer, ordered by hand: a queue whose {@code add} waits until
 * the writer has written the message and gone back to waiting for the next, so the writer drains the queue
 * between the message being published and {@link ClientOutbox#offer} returning. The message that filled the
 * queue must still lead to exactly one {@code resume()}, else the upstream stays paused and the session is
 * closed 1013 with nothing queued.
 */
@LeakChecked
class ClientOutboxTest {

    static final int MAX = 1000;

    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final ClientOutbox.Events events = new ClientOutbox.Events() {
        @Override
        public void written(int size) {
            writer.set(Thread.currentThread()); // events are told on the writer's thread
            written.incrementAndGet();
        }

        @Override
        public void failed() {
            failed.incrementAndGet();
        }

        @Override
        public void resume() {
            resumed.incrementAndGet();
        }
    };

    private final AtomicReference<Thread> writer = new AtomicReference<>();
    private final AtomicInteger added = new AtomicInteger();
    /** Off for the outbox's own stop message at the end. */
    private volatile boolean ordering = true;

    /** Publishes the message, then waits until the writer wrote every message and parked in take(). */
    private final LinkedBlockingQueue<ClientOutbox.Message> drainedOnAdd = new LinkedBlockingQueue<>() {
        @Override
        public boolean add(ClientOutbox.Message m) {
            boolean r = super.add(m);
            if (!ordering) {
                return r;
            }
            int n = added.incrementAndGet();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> written.get() == n && isEmpty() && writer.get().getState() == Thread.State.WAITING);
            return r;
        }
    };

    private final ClientOutbox outbox = new ClientOutbox(MAX, events, drainedOnAdd);

    @AfterEach
    void stop() {
        ordering = false;
        outbox.stop();
    }

    @Test
    void aMessageThatFillsTheQueueAndIsDrainedAtOnceStillResumesTheUpstream() {
        StubClient client = new StubClient();
        outbox.start(client, "outbox-test-writer");
        long now = 1_000_000_000L;

        assertThat(outbox.offer(ClientOutbox.Message.text("a".repeat(100)), now))
                .as("room left")
                .isTrue();
        assertThat(resumed.get()).as("never paused, nothing to resume").isZero();

        // fills the queue: the upstream is paused; the writer drains it before offer returns
        boolean room = outbox.offer(ClientOutbox.Message.text("b".repeat(MAX)), now);
        assertThat(room)
                .as("the queue just filled: the upstream must not be read on by the caller")
                .isFalse();
        assertThat(client.sent).hasSize(2);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(resumed.get())
                        .as("the writer drained what filled the queue: resume() must follow")
                        .isEqualTo(1));
        assertThat(outbox.queuedBytes()).isZero();
        assertThat(outbox.stalled(
                        now + Duration.ofMinutes(10).toNanos(),
                        Duration.ofSeconds(10).toNanos()))
                .as("a drained queue is not stalled")
                .isFalse();
        assertThat(failed.get()).isZero();
    }
}
