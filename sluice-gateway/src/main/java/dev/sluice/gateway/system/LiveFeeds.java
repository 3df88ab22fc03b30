package dev.sluice.gateway.system;

import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Timing;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code /system/live}: the stats document pushed as server-sent events once a second. Each feed is
 * tracked (listed by {@code /system/resources}), at most {@code max} at a time (more get 503), ends
 * after {@code maxAge} (EventSource reconnects), ends as soon as a write fails (a closed tab is gone
 * within a second), and ends when shutdown starts.
 */
final class LiveFeeds {

    /** One open feed, for the resource listing. */
    record Feed(long id, String peer, Instant openedAt, AtomicLong sent) {}

    private final Set<Feed> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final int max;
    private final Duration maxAge;
    private final Timing timing;

    LiveFeeds(int max, Duration maxAge, Timing timing) {
        this.max = max;
        this.maxAge = maxAge;
        this.timing = timing;
    }

    /** Serves one feed until the client leaves, it ages out, or {@code stop} says so. */
    void serve(ServerResponse res, String peer, Supplier<String> stats, Supplier<Boolean> stop) {
        Feed feed = new Feed(ids.incrementAndGet(), peer, Instant.now(), new AtomicLong());
        if (open.size() >= max || !open.add(feed)) {
            ClientErrors.send(
                    res,
                    dev.sluice.gateway.translate.Dialect.ANTHROPIC,
                    new GatewayException(
                            503, "overloaded_error", "too many live feeds open (at most " + max + ")", "5"));
            return;
        }
        long end = timing.now() + maxAge.toNanos();
        try {
            res.header("content-type", "text/event-stream; charset=utf-8");
            res.header("cache-control", "no-store");
            try (OutputStream out = res.outputStream()) {
                out.write("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII));
                while (!stop.get() && timing.now() - end < 0) {
                    out.write(("data: " + stats.get() + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    feed.sent().incrementAndGet();
                    timing.sleep(Duration.ofSeconds(1));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the browser tab closed or the connection broke: the feed ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(feed);
        }
    }

    List<Feed> open() {
        return new ArrayList<>(open);
    }

    int max() {
        return max;
    }
}
