package dev.sluice.gateway.proxy;

import dev.sluice.core.Outcome;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** One line per request: id, method, route, status, model, targets tried, outcome, duration. Never headers or bodies. */
public final class AccessLog {

    private static final System.Logger LOG = System.getLogger("sluice.access");
    private final boolean enabled;

    public AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    void record(RequestInfo info, ServerRequest req, ServerResponse res, String route, Outcome outcome,
                long startNanos) {
        if (!enabled || !LOG.isLoggable(System.Logger.Level.INFO)) {
            return;
        }
        long micros = (System.nanoTime() - startNanos) / 1000;
        LOG.log(System.Logger.Level.INFO, "request id=" + info.id + " method=" + req.prologue().method().text()
                + " route=" + route + " status=" + res.status().code() + " stream=" + info.stream
                + (info.model.isEmpty() ? "" : " model=" + info.model)
                + (info.tried.isEmpty() ? "" : " targets=" + String.join(",", info.tried))
                + (info.cacheHit ? " cache=hit" : "")
                + (info.usage.inputTokens() + info.usage.outputTokens() == 0 ? ""
                        : " tokens_in=" + info.usage.inputTokens() + " tokens_out=" + info.usage.outputTokens())
                + " outcome=" + outcome + " duration_ms=" + micros / 1000 + "." + micros % 1000 / 100);
    }
}
