package dev.sluice.gateway.system;

import dev.sluice.gateway.context.ClientErrors;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** {@code /dashboard}: one page and its assets served from the jar (no build step, no CDN). */
final class Dashboard {

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8",
            "uPlot.LICENSE", "text/plain; charset=utf-8");

    private Dashboard() {}

    static void register(HttpRouting.Builder routing) {
        routing.get("/dashboard", (req, res) -> send(res, "index.html"));
        routing.get("/dashboard/", (req, res) -> send(res, "index.html"));
        routing.get(
                "/dashboard/{file}",
                (req, res) -> send(res, req.path().pathParameters().get("file")));
    }

    private static void send(ServerResponse res, String file) throws IOException {
        String type = FILES.get(file);
        InputStream in = type == null ? null : Dashboard.class.getResourceAsStream("/dashboard/" + file);
        if (in == null) {
            ClientErrors.send(
                    res, Dialect.ANTHROPIC, new GatewayException(404, "no dashboard file " + Sanitize.token(file)));
            return;
        }
        try (in) {
            res.header("content-type", type);
            res.header("cache-control", "no-cache");
            res.header("x-content-type-options", "nosniff");
            res.send(in.readAllBytes());
        }
    }
}
