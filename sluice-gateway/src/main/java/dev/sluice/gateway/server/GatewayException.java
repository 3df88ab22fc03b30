package dev.sluice.gateway.server;

/** A request that ends in an error answer before anything was streamed; carries status and type. */
final class GatewayException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String retryAfter;

    GatewayException(int status, String message) {
        this(status, AnthropicErrors.typeFor(status), message, null);
    }

    GatewayException(int status, String type, String message, String retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String retryAfter() {
        return retryAfter;
    }
}
