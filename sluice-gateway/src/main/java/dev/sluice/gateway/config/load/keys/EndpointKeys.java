package dev.sluice.gateway.config.load.keys;

import static dev.sluice.gateway.config.load.keys.KeyRow.row;
import static dev.sluice.gateway.config.load.value.ValueType.BOOLEAN;
import static dev.sluice.gateway.config.load.value.ValueType.DURATION;
import static dev.sluice.gateway.config.load.value.ValueType.INT_SIZE;
import static dev.sluice.gateway.config.load.value.ValueType.POSITIVE_INT;
import static dev.sluice.gateway.config.load.value.ValueType.SIZE;

import java.util.List;

/**
 * The keys of the translated Responses API and of the Realtime WebSocket sessions: a section of the
 * registry's table, in the order of docs/configuration.md.
 */
public final class EndpointKeys {
    // spotless:off -- a table: one key per row reads better than the formatter's one argument per line
    public static final List<KeyRow> ROWS = List.of(
            row("responses.omit-unsupported-tools", BOOLEAN, "false",
                    "/v1/responses translated for a provider: leave out tools other than function tools (web_search,"
                            + " namespace...) instead of answering 400 naming them",
                    c -> c.responses().omitUnsupportedTools()),
            row("responses.store", BOOLEAN, "true",
                    "keep translated responses whose request says store (the Responses API's default) in the state"
                            + " store, for previous_response_id and GET/DELETE /v1/responses/{id}; false: never",
                    c -> c.responses().store()),
            row("responses.max-age", DURATION, "720h", "stored responses older than this are deleted",
                    c -> c.responses().maxAge()),
            row("responses.max-rows", POSITIVE_INT, "100000", "stored responses kept at most (oldest deleted)",
                    c -> c.responses().maxRows()),
            row("responses.max-size", SIZE, "256MiB",
                    "bytes of stored responses kept at most (oldest deleted); one larger than a tenth of it is not stored",
                    c -> c.responses().maxSize()),
            row("realtime.max-sessions", POSITIVE_INT, "64",
                    "open /v1/realtime sessions at most (each holds a session permit for its life); more get 503",
                    c -> c.realtime().maxSessions()),
            row("realtime.max-sessions-per-key", POSITIVE_INT, "8", "open realtime sessions per client key; more get 429",
                    c -> c.realtime().maxSessionsPerKey()),
            row("realtime.max-message-size", INT_SIZE, "1MiB",
                    "largest WebSocket message either way (frames and whole messages); a larger one closes the session 1009",
                    c -> c.realtime().maxMessageSize()),
            row("realtime.queue-size", INT_SIZE, "1MiB",
                    "bytes queued towards the client per session; when full the upstream is not read until it drains",
                    c -> c.realtime().queueSize()),
            row("realtime.stall-timeout", DURATION, "10s",
                    "a client whose queue stays full this long is closed 1013 (it does not read)",
                    c -> c.realtime().stallTimeout()),
            row("realtime.idle-timeout", DURATION, "60s",
                    "a session with no message either way for this long is closed 1000",
                    c -> c.realtime().idleTimeout()),
            row("realtime.max-duration", DURATION, "30m", "a session open this long is closed 1000",
                    c -> c.realtime().maxDuration()));
    // spotless:on

    private EndpointKeys() {}
}
