package dev.sluice.gateway.realtime;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.sluice.gateway.auth.FailureLimiter;
import dev.sluice.gateway.context.GatewayContext;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;

/** Registers {@code /v1/realtime}: the handshake's checks on the HTTP routing, the session on the WebSocket routing. */
public final class RealtimeRoutes {

    /** Addresses whose failed handshakes are counted at most (the oldest are forgotten first). */
    private static final int MAX_TRACKED_ADDRESSES = 10_000;

    private RealtimeRoutes() {}

    public static void register(HttpRouting.Builder http, WsRouting.Builder ws, GatewayContext ctx, Sessions sessions) {
        var a = ctx.config().auth();
        FailureLimiter failures =
                new FailureLimiter(a.failureLimit(), a.failureWindow(), MAX_TRACKED_ADDRESSES, Ticker.systemTicker());
        http.route(Method.GET, "/v1/realtime", new Handshake(ctx, sessions, failures));
        ws.endpoint("/v1/realtime", RealtimeListener::new);
    }
}
