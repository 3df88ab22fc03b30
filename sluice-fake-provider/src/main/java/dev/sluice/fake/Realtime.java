package dev.sluice.fake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;

/**
 * The OpenAI Realtime API over WebSocket: {@code GET /v1/realtime?model=<model>}, {@code /realtime?model=}
 * and Azure's {@code /openai/realtime?deployment=<d>&api-version=...}. The handshake is recorded like an
 * HTTP request, checked (bearer token, or Azure's {@code api-key} and {@code api-version}), and the
 * model's fault picked; status faults refuse the upgrade with their status and an OpenAI error body.
 * Each upgraded connection is a {@link RealtimeSession}.
 */
final class Realtime implements WebSocketCreator {
    static final List<String> PATHS = List.of("/v1/realtime", "/realtime", "/openai/realtime");
    static final String AZURE_PATH = "/openai/realtime";
    /** Most characters of one client text message (a 15 MiB audio append is 20 MiB of base64). */
    static final int MAX_TEXT_MESSAGE_CHARS = 24 * 1024 * 1024;

    private final Settings settings;
    private final Stats stats;
    private final FaultCounts faultCounts;
    private final Executor threads;
    private final AtomicLong sessionIds = new AtomicLong();
    private final Set<RealtimeSession> live = ConcurrentHashMap.newKeySet();
    private final Dialect openAi = new OpenAiDialect();

    Realtime(Settings settings, Stats stats, FaultCounts faultCounts, Executor threads) {
        this.settings = settings;
        this.stats = stats;
        this.faultCounts = faultCounts;
        this.threads = threads;
    }

    /** Maps the realtime paths on {@code container}, with message limits and the idle timeout. */
    void configure(ServerWebSocketContainer container) {
        container.setIdleTimeout(settings.idleTimeout());
        container.setMaxTextMessageSize(MAX_TEXT_MESSAGE_CHARS);
        container.setMaxBinaryMessageSize(MAX_TEXT_MESSAGE_CHARS);
        for (String path : PATHS) container.addMapping(path, this);
    }

    @Override
    public Object createWebSocket(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String query = Optional.ofNullable(request.getHttpURI().getQuery()).orElse("");
        stats.record(new RecordedRequest(request.getMethod(), path, query, FakeHandler.headers(request), ""));
        Fields params = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        boolean azure = path.equals(AZURE_PATH);
        String modelParam = azure ? "deployment" : "model";
        Optional<String> model =
                Optional.ofNullable(params.getValue(modelParam)).filter(m -> !m.isBlank());
        if (azure) {
            Optional<Deployments.Refusal> refusal = Deployments.refusal(
                    new Deployments.Deployment(true, model.orElse(""), false),
                    query,
                    name -> FakeHandler.header(request, name));
            if (refusal.isPresent())
                return refuse(
                        response, callback, refusal.get().kind(), refusal.get().message());
        } else if (FakeHandler.header(request, "authorization")
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7)
                        && !value.substring(7).isBlank())
                .isEmpty()) {
            return refuse(
                    response,
                    callback,
                    ErrorKind.UNAUTHORIZED,
                    "You didn't provide an API key. You need to provide "
                            + "your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
        }
        if (model.isEmpty()) {
            return refuse(
                    response, callback, ErrorKind.INVALID_REQUEST, "Missing required parameter: '" + modelParam + "'.");
        }
        Fault fault;
        Plan plan;
        try {
            Fault.Choice choice = faultCounts.take(Fault.select(FakeHandler.header(request, Fault.HEADER), model));
            fault = choice.fault();
            plan = Plan.of(settings, choice, name -> FakeHandler.header(request, name));
        } catch (BadRequest e) {
            return refuse(response, callback, ErrorKind.INVALID_REQUEST, e.getMessage());
        }
        Optional<ErrorKind> error = fault.error();
        if (error.isPresent()) return refuse(response, callback, error.get(), error.get().defaultMessage);
        return new RealtimeSession(this, "sess_fake_" + sessionIds.incrementAndGet(), model.get(), fault, plan);
    }

    /** Answers the upgrade request with {@code kind}'s status and OpenAI error body instead of upgrading. */
    private Object refuse(ServerUpgradeResponse response, Callback callback, ErrorKind kind, String message) {
        byte[] body = openAi.error(kind, message).getBytes(StandardCharsets.UTF_8);
        response.setStatus(openAi.status(kind));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Player.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        kind.retryAfter().ifPresent(value -> response.getHeaders().put("retry-after", value));
        response.write(true, ByteBuffer.wrap(body), callback);
        return null;
    }

    Stats stats() {
        return stats;
    }

    Executor threads() {
        return threads;
    }

    void opened(RealtimeSession session) {
        live.add(session);
        stats.realtimeOpened();
    }

    void closed(RealtimeSession session) {
        live.remove(session);
        stats.realtimeClosed();
    }

    /** Drops every session still open (the provider is closing): no close frame, the connection goes. */
    void disconnectAll() {
        for (RealtimeSession session : List.copyOf(live)) session.disconnect();
    }
}
