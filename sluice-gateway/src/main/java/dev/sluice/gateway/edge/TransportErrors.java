package dev.sluice.gateway.edge;

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
public final class TransportErrors implements DirectHandler {

    private final int maxHeaderSize;
    private final int maxRequestLine;

    private TransportErrors(int maxHeaderSize, int maxRequestLine) {
        this.maxHeaderSize = maxHeaderSize;
        this.maxRequestLine = maxRequestLine;
    }

    public static DirectHandlers handlers(int maxHeaderSize, int maxRequestLine) {
        TransportErrors handler = new TransportErrors(maxHeaderSize, maxRequestLine);
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            b.addHandler(type, handler);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status defaultStatus,
            ServerResponseHeaders responseHeaders,
            String message) {
        Status status = defaultStatus != null
                ? defaultStatus
                : eventType == EventType.HTTP_VERSION_NOT_SUPPORTED
                        ? Status.HTTP_VERSION_NOT_SUPPORTED_505
                        : Status.BAD_REQUEST_400; // Helidon leaves it empty for HTTP/1.0, which then got no answer at
        // all
        String text = switch (eventType) {
            case PAYLOAD_TOO_LARGE -> "request body too large";
            case HTTP_VERSION_NOT_SUPPORTED -> "HTTP version not supported: send HTTP/1.1";
            case BAD_REQUEST ->
                status.code() == 414
                        ? "request line longer than " + maxRequestLine + " bytes (server.max-request-line)"
                        : "malformed HTTP request: bad request line or headers, or headers larger than " + maxHeaderSize
                                + " bytes";
            default -> "request rejected (" + status.code() + ")";
        };
        return TransportResponse.builder()
                .status(status)
                .headers(responseHeaders)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .keepAlive(false)
                .entity(ErrorBodies.body(Dialect.ANTHROPIC, status.code(), text))
                .build();
    }
}
