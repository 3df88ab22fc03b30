package dev.sluice.gateway.server;

import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.ErrorBodies;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Answers for requests Helidon rejects before routing (malformed request line or headers, headers
 * over {@code server.max-header-size}) in the Anthropic error dialect instead of an empty body.
 * The text is fixed per event: Helidon's own message may quote the offending header, which could
 * be a key.
 */
final class TransportErrors implements DirectHandler {

    private final int maxHeaderSize;

    private TransportErrors(int maxHeaderSize) {
        this.maxHeaderSize = maxHeaderSize;
    }

    static DirectHandlers handlers(int maxHeaderSize) {
        TransportErrors handler = new TransportErrors(maxHeaderSize);
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            b.addHandler(type, handler);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        String text = switch (eventType) {
            case BAD_REQUEST -> "malformed HTTP request: bad request line or headers, or headers larger than "
                    + maxHeaderSize + " bytes";
            case PAYLOAD_TOO_LARGE -> "request body too large";
            case HTTP_VERSION_NOT_SUPPORTED -> "HTTP version not supported";
            default -> "request rejected (" + defaultStatus.code() + ")";
        };
        return TransportResponse.builder()
                .status(defaultStatus)
                .headers(responseHeaders)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .keepAlive(false)
                .entity(ErrorBodies.body(Dialect.ANTHROPIC, defaultStatus.code(), text))
                .build();
    }
}
