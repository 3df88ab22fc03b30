package dev.sluice.gateway.translate;

import java.util.Objects;

/**
 * A request, response or stream frame that cannot be expressed in the target dialect, or that is
 * malformed. The message is safe to show to the client and names the offending field, e.g.
 * {@code messages[2].content[0].type: unsupported block type "audio"}.
 */
public final class TranslationException extends Exception {
    private static final long serialVersionUID = 1L;

    public TranslationException(String message) {
        super(message);
    }

    /** The message: never null, the constructor takes one. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }
}
