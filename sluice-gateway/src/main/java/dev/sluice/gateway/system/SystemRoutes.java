package dev.sluice.gateway.system;

import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.realtime.Sessions;
import io.helidon.webserver.http.HttpRouting;

/** The package's one entry for the server: health, stats, metrics, live feed, dashboard and admin routes. */
public final class SystemRoutes {

    private SystemRoutes() {}

    public static void register(HttpRouting.Builder routing, GatewayContext ctx, Sessions realtime) {
        SystemHandlers system = new SystemHandlers(ctx, realtime);
        system.register(routing);
        new SystemActions(ctx, system, realtime).register(routing);
        Dashboard.register(routing);
        new AdminHandlers(ctx).register(routing);
    }
}
