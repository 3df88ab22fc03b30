package dev.sluice.gateway.config.load.keys;

import static dev.sluice.gateway.config.load.keys.KeyRow.row;
import static dev.sluice.gateway.config.load.value.ValueType.AUTH_MODE;
import static dev.sluice.gateway.config.load.value.ValueType.BOOLEAN;
import static dev.sluice.gateway.config.load.value.ValueType.DEMO_MODE;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION_OR_ZERO;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET;
import static dev.sluice.gateway.config.load.value.ValueType.SECRET_LIST;
import static dev.sluice.gateway.config.load.value.ValueType.TEXT;

import dev.sluice.gateway.config.load.value.ValueType.DemoMode;
import java.util.List;

/**
 * The keys of shutdown, of the demo mode, of client and admin authentication, of logging and of tracing: a section
 * of the registry's table, in the order of docs/configuration.md.
 */
public final class OperationKeys {
    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    public static final List<KeyRow> ROWS = List.of(
            row("shutdown.pre-drain", DURATION_OR_ZERO, "1s",
                    "after SIGTERM, readiness is 503 but new requests are still served this long",
                    c -> c.shutdown().preDrain()),
            row("shutdown.drain-timeout", DURATION, "25s", "in-flight requests get this long to finish",
                    c -> c.shutdown().drainTimeout()),
            row("shutdown.step-timeout", DURATION, "5s", "deadline for each close step",
                    c -> c.shutdown().stepTimeout()),
            row("demo.mode", DEMO_MODE, "auto",
                    "on: the built-in fake provider is the upstream; auto: on when neither upstream.api-key nor"
                            + " upstream.url is set",
                    c -> c.demo().enabled() ? DemoMode.ON : DemoMode.OFF),
            row("demo.deltas", POSITIVE_INT, "24", "words per demo answer", c -> c.demo().deltas()),
            row("demo.delta-interval", DURATION, "30ms", "pause between demo words",
                    c -> c.demo().deltaInterval()),
            row("auth.mode", AUTH_MODE, "auto",
                    "open: any client key (loopback listeners only); keys: auth.api-keys or a stored key;"
                            + " pass-through: the client's own key is sent to the provider; auto: keys when"
                            + " auth.api-keys is set, else open",
                    c -> c.auth().mode()),
            row("auth.api-keys", SECRET_LIST, "",
                    "static client keys accepted (comma-separated), besides keys stored with `sluice keys create`",
                    c -> c.auth().apiKeys()),
            row("auth.admin-key", SECRET, "", "key for /admin/* and the /system/gc and /system/heapdump actions; empty: admin API off",
                    c -> c.auth().adminKey()),
            row("auth.cache-size", POSITIVE_INT, "10000", "stored keys kept in the auth cache", c -> c.auth().cacheSize()),
            row("auth.cache-ttl", DURATION, "30s",
                    "how long a cached key (or unknown key) is trusted; a revocation reaches other instances within it",
                    c -> c.auth().cacheTtl()),
            row("auth.failure-limit", POSITIVE_INT, "20",
                    "failed authentications per client IP within auth.failure-window before 429; wrong client keys"
                            + " and wrong admin keys are counted apart: the first block client routes only (never in"
                            + " open mode), the second the admin API only, even for the right admin key",
                    c -> c.auth().failureLimit()),
            row("auth.failure-window", DURATION, "1m", "window of each per-IP failure count",
                    c -> c.auth().failureWindow()),
            row("log.requests", BOOLEAN, "true", "one log line per request", c -> c.log().requests()),
            row("log.json", BOOLEAN, "false",
                    "log one JSON object per line (ts, level, logger, message, request_id, error)",
                    c -> c.log().json()),
            row("tracing.endpoint", TEXT, "",
                    "OTLP/HTTP base URL traces are sent to (<url>/v1/traces); empty: off, unless"
                            + " OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set",
                    c -> c.log().tracing().endpoint()),
            row("tracing.export-interval", DURATION, "5s",
                    "longest wait before finished spans are sent (OTEL_BSP_SCHEDULE_DELAY overrides)",
                    c -> c.log().tracing().exportInterval()));
    // spotless:on

    private OperationKeys() {}
}
