package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one session, as Helidon calls it: one listener per upgraded connection, holding the
 * session {@link Handshake} admitted on the same thread. Client frames go to the session; a close or an error
 * ends it. The subprotocol chosen is {@code realtime} when the client offered it (browsers require one of
 * theirs to be chosen, and the key-carrying one is never echoed).
 */
final class RealtimeListener implements WsListener {

    private @Nullable RealtimeSession session; // set by the upgrade

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        session = Handshake.take();
        if (session == null) {
            throw new WsUpgradeException("no admitted realtime session for this upgrade");
        }
        boolean offered = headers.values(HeaderNames.create("sec-websocket-protocol")).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .anyMatch(p -> p.strip().equals("realtime"));
        if (!offered) {
            return Optional.empty();
        }
        WritableHeaders<?> out = WritableHeaders.create();
        out.set(HeaderNames.create("Sec-WebSocket-Protocol"), "realtime");
        return Optional.of(out);
    }

    /** The session: Helidon calls the other methods only after {@link #onHttpUpgrade} succeeded, which set it. */
    private RealtimeSession session() {
        return Objects.requireNonNull(session, "no session before the upgrade");
    }

    @Override
    public void onOpen(WsSession ws) {
        session().open(ws);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        session().fromClient(text, last);
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        session().fromClient(buffer, last);
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        session().clientClosed(status, reason);
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        session().close(1011, RealtimeMetrics.Cause.CLIENT_ERROR, "error on the client's connection", Outcome.FAILURE);
    }
}
