package dev.sluice.gateway.server;

import dev.sluice.core.Limiter;
import dev.sluice.core.MemoryMonitor;
import dev.sluice.core.ScopeRegistry;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.Router;
import java.util.Map;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;

/** Builds the Helidon server and its routes around the configured providers. */
public final class GatewayServer implements AutoCloseable {

    private final WebServer server;

    private GatewayServer(WebServer server) {
        this.server = server;
    }

    /** Starts listening; the drain phase moves to SERVING once the listener is up. */
    public static GatewayServer start(SluiceConfig config, ScopeRegistry scopes, Limiter limiter, MemoryMonitor memory,
                                      Drain drain, Map<String, ProviderEndpoint> providers, Router router,
                                      GatewayState state) {
        GatewayContext ctx = new GatewayContext(config, scopes, limiter, memory, drain, providers, router, state,
                new AccessLog(config.log().requests()), System.currentTimeMillis());
        HttpRouting.Builder routing = HttpRouting.builder();
        SystemHandlers system = new SystemHandlers(ctx);
        system.register(routing);
        new SystemActions(ctx, system).register(routing);
        Dashboard.register(routing);
        new AdminHandlers(ctx).register(routing);
        MetricsBinder.bind(ctx);
        for (ProxyHandler.Route route : ProxyHandler.Route.values()) {
            routing.route(Method.create(route.method), route.path, new ProxyHandler(route, ctx));
        }
        routing.any((req, res) -> ProxyHandler.sendError(res, new GatewayException(404,
                "no route for " + req.prologue().method().text() + " " + req.path().path())));
        WebServer server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofMillis(200))
                .connectionOptions(o -> o.tcpNoDelay(true))
                .addProtocol(Http1Config.builder().maxHeadersSize(config.server().maxHeaderSize()).build())
                .directHandlers(TransportErrors.handlers(config.server().maxHeaderSize()))
                .routing(routing)
                .build()
                .start();
        drain.phase(Drain.Phase.SERVING);
        return new GatewayServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
