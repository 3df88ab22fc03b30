package dev.sluice.gateway.system;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.sluice.core.ResourceInfo;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.realtime.Sessions;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code /system/resources} (the live resource registry), {@code /system/live} (the stats feed),
 * and the admin actions {@code POST /system/gc} (floor before and after) and {@code GET /system/heapdump}
 * (one at a time, streamed, the file deleted after).
 */
final class SystemActions {

    private final GatewayContext ctx;
    private final SystemHandlers stats;
    private final LiveFeeds feeds;
    private final AtomicBoolean dumping = new AtomicBoolean();

    private final Sessions realtime;

    SystemActions(GatewayContext ctx, SystemHandlers stats, Sessions realtime) {
        this.ctx = ctx;
        this.feeds = new LiveFeeds(16, Duration.ofMinutes(30), ctx.timing());
        this.stats = stats;
        this.realtime = realtime;
    }

    void register(HttpRouting.Builder routing) {
        routing.get("/system/resources", (req, res) -> resources(res));
        routing.get(
                "/system/live",
                (req, res) -> feeds.serve(
                        res,
                        String.valueOf(req.remotePeer().address()),
                        () -> stats.stats().toString(),
                        () -> !ctx.drain().accepting()));
        routing.post("/system/gc", (req, res) -> AdminGuard.run(ctx, req, res, (q, r) -> gc(r)));
        routing.get("/system/heapdump", (req, res) -> AdminGuard.run(ctx, req, res, (q, r) -> heapDump(r)));
    }

    private void resources(ServerResponse res) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("resources");
        for (ResourceInfo r : ctx.state().lifecycle().resources()) {
            list.addObject()
                    .put("kind", r.kind())
                    .put("owner", r.owner())
                    .put("name", r.name())
                    .put("createdAt", r.createdAt().toString())
                    .put(
                            "ageSeconds",
                            Duration.between(r.createdAt(), java.time.Instant.now())
                                    .toSeconds())
                    .put("bound", r.bound())
                    .put("size", r.size());
        }
        for (LiveFeeds.Feed f : feeds.open()) {
            list.addObject()
                    .put("kind", "live-feed")
                    .put("owner", "system")
                    .put("name", "feed-" + f.id() + " " + f.peer())
                    .put("createdAt", f.openedAt().toString())
                    .put(
                            "ageSeconds",
                            Duration.between(f.openedAt(), java.time.Instant.now())
                                    .toSeconds())
                    .put("bound", feeds.max())
                    .put("size", f.sent().get());
        }
        list.addObject()
                .put("kind", "request-scopes")
                .put("owner", "system")
                .put("name", "requests")
                .put(
                        "bound",
                        ctx.config().admission().maxInFlight()
                                + ctx.config().admission().queueSize())
                .put("size", ctx.scopes().liveScopes());
        list.addObject()
                .put("kind", "realtime-sessions")
                .put("owner", "realtime")
                .put("name", "open sessions")
                .put("bound", ctx.config().realtime().maxSessions())
                .put("size", realtime.open());
        for (String session : realtime.describe()) {
            list.addObject()
                    .put("kind", "realtime-session")
                    .put("owner", "realtime")
                    .put("name", session)
                    .put("bound", ctx.config().realtime().queueSize());
        }
        list.addObject()
                .put("kind", "client-connections")
                .put("owner", "edge")
                .put("name", "requests under way")
                .put("bound", ctx.edge().bound())
                .put("size", ctx.edge().size());
        res.header("content-type", "application/json");
        res.header("cache-control", "no-store");
        res.send(root.toString());
    }

    private void gc(ServerResponse res) throws InterruptedException {
        long before = ctx.memory().report().floorBytes();
        System.gc();
        ctx.timing()
                .sleep(Duration.ofMillis(
                        Math.max(300, ctx.config().memory().refreshInterval().toMillis() * 2)));
        long after = ctx.memory().report().floorBytes();
        res.header("content-type", "application/json");
        res.send(Json.MAPPER
                .createObjectNode()
                .put("floorBytesBefore", before)
                .put("floorBytesAfter", after)
                .toString());
    }

    private void heapDump(ServerResponse res) throws Exception {
        if (!dumping.compareAndSet(false, true)) {
            throw new GatewayException(409, "invalid_request_error", "a heap dump is already being written", null);
        }
        Path dir = Files.createTempDirectory("sluice-heapdump");
        Path file = dir.resolve("sluice.hprof");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
            res.header("content-type", "application/octet-stream");
            res.header("content-disposition", "attachment; filename=\"sluice.hprof\"");
            res.contentLength(Files.size(file));
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = res.outputStream()) {
                in.transferTo(out);
            }
        } catch (IOException clientGone) {
            // the download was abandoned; the file goes either way
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
            dumping.set(false);
        }
    }
}
