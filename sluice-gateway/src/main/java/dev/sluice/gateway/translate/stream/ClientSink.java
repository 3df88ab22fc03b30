package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Json;
import dev.sluice.gateway.translate.shared.Usages;
import org.jspecify.annotations.Nullable;

/**
 * Receives a stream as Anthropic events (already in order) and writes the client's wire form.
 * Tracks usage (message_start input, cumulative message_delta), completion and in-band failure.
 * A muted sink (same-dialect pass-through) only tracks.
 */
abstract class ClientSink {
    private final StringBuilder out = new StringBuilder();
    private boolean muted;
    private Usage usage = Usage.NONE;
    private boolean complete;
    private boolean failed;
    private Delivered delivered = new Delivered(false);
    private @Nullable Continuation continuation;

    ClientSink(boolean muted) {
        this.muted = muted;
    }

    final void event(String type, ObjectNode data) {
        Continuation c = continuation;
        if (c != null) {
            int close = c.closeBefore(type, data);
            if (close >= 0) {
                ObjectNode stop =
                        Json.object().put("type", "content_block_stop").put("index", close);
                delivered.event("content_block_stop", stop);
                if (!muted) write("content_block_stop", stop, out);
            }
            if (!c.accept(type, data)) {
                usage = c.usage();
                return;
            }
        }
        switch (type) {
            case "message_start" ->
                usage = Usages.merge(usage, data.path("message").path("usage"));
            case "message_delta" -> usage = Usages.merge(usage, data.path("usage"));
            case "message_stop" -> complete = true;
            default -> {}
        }
        if (c != null) {
            usage = c.usage();
        }
        delivered.event(type, data);
        if (!muted) write(type, data, out);
    }

    /** Keeps the delivered text from now on, so the stream can be continued after a break. */
    final void keepDeliveredText() {
        delivered = new Delivered(true);
    }

    final Delivered delivered() {
        return delivered;
    }

    /**
     * From now on the events are a continuation of the answer delivered so far: written (a pass-through
     * sink is muted no more), spliced in by a {@link Continuation}. A failure the broken attempt left is
     * forgotten: the caller did not send it.
     */
    final void continueAfterBreak(boolean trimmedWhitespace) {
        continuation = new Continuation(usage, delivered, trimmedWhitespace);
        failed = false;
        out.setLength(0);
        muted = false;
        continuing();
    }

    /** A sink that had been muted prepares to write a continuation (e.g. an id for its chunks). */
    void continuing() {}

    final void error(ErrorMapping error) {
        failed = true;
        if (!muted) out.append(errorFrame(error));
    }

    /** Appends the client's frames for one Anthropic event. */
    abstract void write(String type, ObjectNode data, StringBuilder out);

    /** The client's in-band error frame. */
    abstract String errorFrame(ErrorMapping error);

    final String drain() {
        String text = out.toString();
        out.setLength(0);
        return text;
    }

    final Usage usage() {
        return usage;
    }

    final boolean complete() {
        return complete;
    }

    final boolean failed() {
        return failed;
    }
}
