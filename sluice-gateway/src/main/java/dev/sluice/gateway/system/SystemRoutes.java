package dev.sluice.gateway.system;

import dev.sluice.gateway.context.GatewayContext;
import io.helidon.webserver.http.HttpRouting;

/** The package's one entry for the server: health, stats, metrics, live feed, dashboard and admin routes. */
public final class SystemRoutes {

    private SystemRoutes() {
    }

    public static void register(HttpRouting.Builder routing, GatewayContext ctx) {
        SystemHandlers system = new SystemHandlers(ctx);
        system.register(routing);
        new SystemActions(ctx, system).register(routing);
        Dashboard.register(routing);
        new AdminHandlers(ctx).register(routing);
    }
}
