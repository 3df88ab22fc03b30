package dev.sluice.gateway.realtime;

import dev.sluice.core.Outcome;
import java.io.ByteArrayOutputStream;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The upstream socket's listener for one session: message parts are joined (bounded by
 * {@code realtime.max-message-size}) and each whole message handed to the session, which asks for the next
 * one ({@code request(1)}) only while its client's queue has room; parts of one message are asked for at
 * once. The upstream closing or failing ends the session, naming it. The JDK calls these one at a time.
 */
final class UpstreamReader implements WebSocket.Listener {

    private final RealtimeSession session;
    private final UpstreamLink link;
    private final int maxMessage;
    /** A joining buffer grown past this for one large message is let go after it (not kept for the session's life). */
    private static final int KEEP_CAPACITY = 16 * 1024;

    private StringBuilder text = new StringBuilder();
    private ByteArrayOutputStream binary = new ByteArrayOutputStream();

    UpstreamReader(RealtimeSession session, UpstreamLink link, int maxMessage) {
        this.session = session;
        this.link = link;
        this.maxMessage = maxMessage;
    }

    @Override
    public void onOpen(WebSocket ws) {
        // reading starts when the client's socket is open (RealtimeSession.open)
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (text.length() > maxMessage) {
            tooLarge();
        } else if (last) {
            String message = text.toString();
            clearText();
            session.fromUpstream(ClientOutbox.Message.text(message));
        } else {
            ws.request(1);
        }
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] part = new byte[data.remaining()];
        data.get(part);
        binary.writeBytes(part);
        if (binary.size() > maxMessage) {
            tooLarge();
        } else if (last) {
            byte[] message = binary.toByteArray();
            clearBinary();
            session.fromUpstream(ClientOutbox.Message.binary(message));
        } else {
            ws.request(1);
        }
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
        link.pong();
        ws.request(1);
        return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        boolean normal = code == 1000 || code == 1001;
        session.close(
                normal ? 1000 : 1011,
                RealtimeMetrics.Cause.UPSTREAM_CLOSED,
                "upstream closed the session (" + code + (reason.isBlank() ? "" : " " + reason) + ")",
                normal ? Outcome.SUCCESS : Outcome.FAILURE);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        String m = error.getMessage();
        session.close(
                1011,
                RealtimeMetrics.Cause.UPSTREAM_LOST,
                "upstream connection failed: " + (m == null || m.isBlank() ? "connection lost" : m),
                Outcome.FAILURE);
    }

    private void tooLarge() {
        clearText();
        clearBinary();
        session.close(
                1011,
                RealtimeMetrics.Cause.TOO_LARGE,
                "upstream sent a message larger than realtime.max-message-size",
                Outcome.FAILURE);
    }

    private void clearText() {
        if (text.capacity() > KEEP_CAPACITY) {
            text = new StringBuilder();
        } else {
            text.setLength(0);
        }
    }

    private void clearBinary() {
        if (binary.size() > KEEP_CAPACITY) {
            binary = new ByteArrayOutputStream();
        } else {
            binary.reset();
        }
    }
}
