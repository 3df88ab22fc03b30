package dev.sluice.gateway.realtime;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.route.AttemptOutcome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens the upstream side of a session: the provider's realtime URL (its base URL with {@code ws}/{@code wss},
 * {@code /realtime?model=} for OpenAI, {@code /openai/realtime?deployment=&api-version=} for Azure), its own key
 * in the header its kind expects, the subprotocol {@code realtime}. The JDK's WebSocket client: no extra
 * dependency, flow control by explicit {@code request(n)}, which is what lets a slow client pause the upstream.
 */
final class UpstreamDial {

    /** Why a dial failed, in words for the client's error, and what the router makes of it. */
    static final class DialFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final AttemptOutcome outcome;

        DialFailure(String message, AttemptOutcome outcome) {
            super(message);
            this.outcome = outcome;
        }

        /**
         * A handshake refused with 503 or 529: overloaded; with another status: a server error; no handshake in
         * time: a timeout; no connection: a failed connect. Each kind has its own same-target retries.
         */
        AttemptOutcome outcome() {
            return outcome;
        }
    }

    private final HttpClient client;

    UpstreamDial(HttpClient client) {
        this.client = client;
    }

    /** The provider's realtime URI for {@code model}. */
    static URI uri(URI base, ProviderKind kind, String model, String apiVersion) {
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String m = URLEncoder.encode(model, StandardCharsets.UTF_8);
        String tail = kind == ProviderKind.AZURE_OPENAI
                ? "/openai/realtime?deployment=" + m + "&api-version="
                        + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8)
                : "/realtime?model=" + m;
        return URI.create(scheme + "://" + base.getRawAuthority() + path + tail);
    }

    WebSocket dial(
            ProviderEndpoint provider, URI uri, Optional<String> apiKey, Duration timeout, WebSocket.Listener listener)
            throws DialFailure, InterruptedException {
        WebSocket.Builder b =
                client.newWebSocketBuilder().connectTimeout(timeout).subprotocols("realtime");
        for (Map.Entry<String, List<String>> h : provider.authHeaders(apiKey).entrySet()) {
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        try {
            return b.buildAsync(uri, listener).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new DialFailure(
                    "no WebSocket handshake within " + timeout.toMillis() + " ms", AttemptOutcome.TIMEOUT);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof java.net.http.WebSocketHandshakeException h) {
                return refused(h);
            }
            throw new DialFailure("could not connect: " + plain(cause), AttemptOutcome.CONNECT_FAILED);
        }
    }

    private static WebSocket refused(java.net.http.WebSocketHandshakeException h) throws DialFailure {
        int status = h.getResponse() != null ? h.getResponse().statusCode() : 0;
        throw new DialFailure(
                "the handshake was refused with HTTP " + status,
                status == 503 || status == 529 ? AttemptOutcome.OVERLOADED : AttemptOutcome.SERVER_ERROR);
    }

    /** In plain words, never a class name (the JDK's ConnectException here usually has no message). */
    private static String plain(Throwable t) {
        return t instanceof java.net.ConnectException
                ? "connection refused"
                : dev.sluice.gateway.provider.UpstreamCall.classify(t).getMessage();
    }
}
