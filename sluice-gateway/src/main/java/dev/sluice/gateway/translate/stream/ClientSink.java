package dev.sluice.gateway.translate.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.translate.shared.ErrorMapping;
import dev.sluice.gateway.translate.shared.Usages;

/**
 * Receives a stream as Anthropic events (already in order) and writes the client's wire form.
 * Tracks usage (message_start input, cumulative message_delta), completion and in-band failure.
 * A muted sink (same-dialect pass-through) only tracks.
 */
abstract class ClientSink {
    private final StringBuilder out = new StringBuilder();
    private final boolean muted;
    private Usage usage = Usage.NONE;
    private boolean complete;
    private boolean failed;

    ClientSink(boolean muted) {
        this.muted = muted;
    }

    final void event(String type, ObjectNode data) {
        switch (type) {
            case "message_start" ->
                usage = Usages.merge(usage, data.path("message").path("usage"));
            case "message_delta" -> usage = Usages.merge(usage, data.path("usage"));
            case "message_stop" -> complete = true;
            default -> {}
        }
        if (!muted) write(type, data, out);
    }

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
