package dev.sluice.gateway.config.load.keys;

import static dev.sluice.gateway.config.load.keys.KeyRow.row;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.FRACTION;
import static dev.sluice.gateway.config.load.value.ValueType.HOST;
import static dev.sluice.gateway.config.load.value.ValueType.INT_SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.LIMIT_ALGORITHM;
import static dev.sluice.gateway.config.load.value.ValueType.NON_NEGATIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.PATH;
import static dev.sluice.gateway.config.load.value.ValueType.PORT;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE_OR_ZERO;

import java.util.List;

/**
 * The keys of the listener, of what one request may hold, of admission and of memory shedding: a
 * section of the registry's table, in the order of docs/configuration.md.
 */
public final class ServerKeys {
    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    public static final List<KeyRow> ROWS = List.of(
            row("server.host", HOST, "127.0.0.1", "listen address", c -> c.server().host()),
            row("server.port", PORT, "8080", "listen port; 0 picks a free port", c -> c.server().port()),
            row("server.max-body-size", SIZE, "32MiB", "largest request body accepted",
                    c -> c.server().maxBodySize()),
            row("server.max-header-size", INT_SIZE, "64KiB", "largest request header block accepted",
                    c -> c.server().maxHeaderSize()),
            row("server.max-request-line", INT_SIZE, "16KiB", "longest request line (method, path, version) accepted;"
                    + " longer is answered 414", c -> c.server().maxRequestLine()),
            row("server.max-connections", POSITIVE_INT, "10000", "client connections open at once; more wait in the"
                    + " kernel's accept backlog (lowered at startup so clients cannot exhaust the process's file descriptors)",
                    c -> c.server().maxConnections()),
            row("server.idle-timeout", DURATION, "60s", "a connection that sends no request (or no complete request"
                    + " line) for this long is closed", c -> c.server().idleTimeout()),
            row("server.header-timeout", DURATION, "10s", "from the end of the request line to the end of the headers",
                    c -> c.server().headerTimeout()),
            row("server.body-timeout", DURATION, "60s", "from the end of the headers to the end of the request body",
                    c -> c.server().bodyTimeout()),
            row("server.min-upload-rate", SIZE_OR_ZERO, "4KiB", "per second: an upload slower than this (measured"
                    + " after its first 5 s) is cut; 0: off", c -> c.server().minUploadRate()),
            row("request.max-messages", POSITIVE_INT, "2000", "messages per request at most",
                    c -> c.request().maxMessages()),
            row("request.max-tools", POSITIVE_INT, "256", "tools per request at most", c -> c.request().maxTools()),
            row("request.max-content-blocks", POSITIVE_INT, "10000",
                    "content blocks per request at most (all messages and the system prompt)",
                    c -> c.request().maxContentBlocks()),
            row("request.max-json-depth", POSITIVE_INT, "64", "JSON nesting depth of a request at most (hard cap 256)",
                    c -> c.request().maxJsonDepth()),
            row("request.max-output-tokens", NON_NEGATIVE_INT, "0",
                    "largest max_tokens / max_completion_tokens accepted; 0: no ceiling",
                    c -> c.request().maxOutputTokens()),
            row("admission.max-in-flight", POSITIVE_INT, "256",
                    "concurrent requests admitted (the limit, or the adaptive limit's ceiling); more wait or are shed",
                    c -> c.admission().maxInFlight()),
            row("admission.limit-algorithm", LIMIT_ALGORITHM, "fixed",
                    "fixed: the limit is admission.max-in-flight; gradient2 or vegas: adapted between"
                            + " admission.min-in-flight and admission.max-in-flight",
                    c -> c.admission().algorithm()),
            row("admission.min-in-flight", POSITIVE_INT, "8", "starting limit of an adaptive limit; gradient2's floor (vegas may go down to 1)",
                    c -> c.admission().minInFlight()),
            row("admission.queue-size", NON_NEGATIVE_INT, "64",
                    "requests that may wait for a permit; beyond it they are shed at once",
                    c -> c.admission().queueSize()),
            row("admission.queue-timeout", DURATION, "250ms",
                    "longest wait for a permit; a request that cannot start by then is shed",
                    c -> c.admission().queueTimeout()),
            row("admission.interactive-reserve", FRACTION, "0.2",
                    "share of the limit batch requests (x-sluice-priority: batch) may not use",
                    c -> c.admission().interactiveReserve()),
            row("memory.shed-above", FRACTION, "0.92",
                    "shed new requests when the old generation after GC is above this share of its max",
                    c -> c.memory().shedAbove()),
            row("memory.admit-below", FRACTION, "0.85",
                    "admit again once the old generation after GC is below this share", c -> c.memory().admitBelow()),
            row("memory.warn-above", FRACTION, "0.8", "log a warning above this share", c -> c.memory().warnAbove()),
            row("memory.refresh-interval", DURATION, "250ms", "how often the post-GC floor is read",
                    c -> c.memory().refreshInterval()),
            row("memory.heap-dump-dir", PATH, "",
                    "write one heap dump here on entering CRITICAL (at most one per hour); empty: never",
                    c -> c.memory().heapDumpDir()),
            row("memory.health-log-interval", DURATION, "1h", "interval of the one-line health log",
                    c -> c.memory().healthLogInterval()));
    // spotless:on

    private ServerKeys() {}
}
