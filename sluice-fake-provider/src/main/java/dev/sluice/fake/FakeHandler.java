package dev.sluice.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes requests to the dialects (and the OpenAI-compatible deployments) and the embeddings endpoints,
 * and applies the request's fault, timing and the model slots.
 */
final class FakeHandler extends Handler.Abstract {
    private static final System.Logger LOG = System.getLogger(FakeHandler.class.getName());
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private final Settings settings;
    private final Stats stats;
    private final Slots slots;
    private final FaultCounts faultCounts;
    private final BooleanSupplier stopping;
    private final AtomicLong flapping = new AtomicLong();
    private final Dialect anthropic = new AnthropicDialect();
    private final Dialect openAi = new OpenAiDialect();
    private final Dialect ollama = new OllamaDialect();
    private final Dialect responses = new ResponsesDialect();

    FakeHandler(Settings settings, Stats stats, Slots slots, FaultCounts faultCounts, BooleanSupplier stopping) {
        this.settings = settings;
        this.stats = stats;
        this.slots = slots;
        this.faultCounts = faultCounts;
        this.stopping = stopping;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback, stats, stopping);
        Throwable failure = null;
        try {
            serve(ex, request);
        } catch (Gone gone) {
            ex.abort(gone);
        } catch (Throwable t) {
            failure = t;
            LOG.log(
                    Level.WARNING,
                    "fake provider failed on " + request.getMethod() + " "
                            + request.getHttpURI().getPath(),
                    t);
            if (!ex.isCommitted()) {
                try {
                    respondError(ex, anthropic, ErrorKind.SERVER_ERROR, "fake provider bug: " + t);
                } catch (Gone gone) {
                    ex.abort(gone);
                }
            }
        } finally {
            ex.ensureComplete(failure);
        }
        return true;
    }

    private void serve(Exchange ex, Request request) {
        byte[] body = readBody(request);
        String path = request.getHttpURI().getPath();
        String query = Optional.ofNullable(request.getHttpURI().getQuery()).orElse("");
        stats.record(new RecordedRequest(
                request.getMethod(),
                path,
                query,
                headers(request),
                new String(body, 0, Math.min(body.length, RecordedRequest.MAX_BODY_BYTES), StandardCharsets.UTF_8)));
        if (body.length > MAX_BODY_BYTES) {
            respondError(
                    ex,
                    dialectFor(path),
                    ErrorKind.INVALID_REQUEST,
                    "request body exceeds " + MAX_BODY_BYTES + " bytes");
            return;
        }
        switch (request.getMethod() + " " + path) {
            case "POST /v1/messages" ->
                generate(ex, request, anthropic, body, Json.parseObject(body), Optional.empty());
            case "POST /v1/chat/completions", "POST /chat/completions" ->
                generate(ex, request, openAi, body, Json.parseObject(body), Optional.empty());
            case "POST /v1/responses", "POST /responses" ->
                generate(ex, request, responses, body, Json.parseObject(body), Optional.empty());
            case "POST /api/chat" -> generate(ex, request, ollama, body, Json.parseObject(body), Optional.empty());
            case "POST /v1/embeddings", "POST /embeddings" ->
                embed(ex, request, false, Json.parseObject(body), Optional.empty());
            case "POST /api/embed" -> embed(ex, request, true, Json.parseObject(body), Optional.empty());
            case "POST /v1/messages/count_tokens" -> countTokens(ex, request, body);
            case "GET /v1/models" ->
                ex.respond(
                        200,
                        Player.JSON,
                        Map.of(),
                        request.getHeaders().contains("anthropic-version")
                                ? AnthropicDialect.models()
                                : OpenAiDialect.models());
            case "GET /api/tags" -> ex.respond(200, Player.JSON, Map.of(), OllamaDialect.tags());
            case "GET /" -> ex.respond(200, "text/plain; charset=utf-8", Map.of(), "ok");
            default -> deployment(ex, request, path, query, body);
        }
    }

    /** Azure OpenAI and Databricks: OpenAI chat or embeddings, their own credentials, the path's name standing in as the model. */
    private void deployment(Exchange ex, Request request, String path, String query, byte[] body) {
        Optional<Deployments.Deployment> deployment =
                Deployments.match(path).filter(d -> request.getMethod().equals("POST"));
        if (deployment.isEmpty()) {
            respondError(
                    ex,
                    dialectFor(path),
                    ErrorKind.NOT_FOUND,
                    "fake provider has no route for " + request.getMethod() + " " + path);
            return;
        }
        Optional<Deployments.Refusal> refusal =
                Deployments.refusal(deployment.get(), query, name -> header(request, name));
        if (refusal.isPresent()) {
            respondError(ex, openAi, refusal.get().kind(), refusal.get().message());
            return;
        }
        Optional<JsonNode> root = Json.parseObject(body);
        Optional<String> name = Optional.of(deployment.get().name());
        if (deployment.get().embeddings(root)) embed(ex, request, false, root, name);
        else generate(ex, request, openAi, body, root, name);
    }

    private Dialect dialectFor(String path) {
        return path.startsWith("/api/") ? ollama : path.startsWith("/v1/messages") ? anthropic : openAi;
    }

    /**
     * A chat answer in {@code dialect}, streamed or whole. A request whose last assistant turn is a prefill
     * ({@link Dialect#prefill}) is read without that turn (its text still counted as input) and answered
     * with the rest of what the fake would answer, when the prefill begins it ({@link Answer#continuing}).
     */
    private void generate(
            Exchange ex,
            Request request,
            Dialect dialect,
            byte[] body,
            Optional<JsonNode> parsed,
            Optional<String> deployment) {
        answer(ex, request, dialect, parsed, deployment, root -> {
            long digest = Conversation.digest(body);
            Conversation whole = dialect.parse(root, digest);
            Optional<String> prefill = dialect.prefill(root);
            Conversation conversation = prefill.isEmpty()
                    ? whole
                    : dialect.parse(Dialect.withoutLastMessage(root), digest).withPrompt(whole.prompt());
            return (plan, fault) -> {
                Answer answer = fault == Fault.BIG_EVENTS
                        ? Answer.bigEvent()
                        : Answer.of(conversation, plan.deltas(), fault == Fault.CONTENT_FILTER)
                                .continuing(prefill.orElse(""));
                Player.play(ex, dialect, conversation, answer, plan, fault);
            };
        });
    }

    /** Embeddings in OpenAI's form (errors in OpenAI's shape) or Ollama's: always whole, one token's time. */
    private void embed(
            Exchange ex, Request request, boolean ollamaForm, Optional<JsonNode> parsed, Optional<String> deployment) {
        answer(ex, request, ollamaForm ? ollama : openAi, parsed, deployment, root -> {
            Embeddings embeddings = ollamaForm ? Embeddings.ollama(root) : Embeddings.openAi(root);
            return (plan, fault) -> Player.playWhole(ex, plan, fault, 1, embeddings::body, embeddings.malformedBody());
        });
    }

    /** A request read and checked, to be answered with its plan under its fault. */
    @FunctionalInterface
    private interface Reply {
        void play(Plan plan, Fault fault);
    }

    /**
     * Applies the request's fault (unknown: 400; reset, no-answer, error statuses; a {@code -times-<K>}
     * fault only for its first K requests; refuse-prefill only to a request ending with an assistant
     * turn), reads it with
     * {@code read} (which throws {@link BadRequest} for a 400), takes a model slot and plays the reply.
     *
     * @param dialect    the dialect errors are answered in
     * @param deployment the deployment or endpoint name of an OpenAI-compatible route: the model when the
     *                   body names none, and the fault when it is {@code fault-<name>}
     */
    private void answer(
            Exchange ex,
            Request request,
            Dialect dialect,
            Optional<JsonNode> parsed,
            Optional<String> deployment,
            Function<JsonNode, Reply> read) {
        Optional<JsonNode> root = parsed.map(r -> withModel(r, deployment));
        Fault fault;
        Plan plan;
        try {
            Optional<String> model =
                    root.map(r -> r.path("model")).filter(JsonNode::isTextual).map(JsonNode::asText);
            Fault.Choice choice = faultCounts.take(Fault.select(
                    header(request, Fault.HEADER),
                    deployment
                            .filter(name -> name.startsWith(Fault.MODEL_PREFIX))
                            .or(() -> model)));
            fault = choice.fault();
            plan = Plan.of(settings, choice, name -> header(request, name));
        } catch (BadRequest e) {
            respondError(ex, dialect, ErrorKind.INVALID_REQUEST, e.getMessage());
            return;
        }
        switch (fault) {
            case RESET -> {
                ex.reset();
                return;
            }
            case NO_ANSWER -> ex.parkUntilGone();
            default -> {}
        }
        Optional<ErrorKind> error = fault == Fault.FLAPPING && flapping.incrementAndGet() % 2 == 1
                ? Optional.of(ErrorKind.FLAPPING)
                : fault == Fault.REFUSE_PREFILL
                                && root.filter(dialect::endsWithAssistant).isPresent()
                        ? Optional.of(ErrorKind.PREFILL_REFUSED)
                        : fault.error();
        if (error.isPresent()) { // a scripted error still takes the request's latency
            ex.await(plan.latency());
            respondError(ex, dialect, error.get(), error.get().defaultMessage);
            return;
        }
        Reply reply;
        try {
            if (root.isEmpty()) throw new BadRequest("request body is not a JSON object");
            reply = read.apply(root.get());
        } catch (BadRequest e) {
            respondError(ex, dialect, ErrorKind.INVALID_REQUEST, e.getMessage());
            return;
        }
        Optional<Slots.Permit> permit = slots.tryAcquire();
        if (permit.isEmpty()) {
            respondError(ex, dialect, ErrorKind.CAPACITY, "fake provider overloaded: " + slots.describe());
            return;
        }
        try {
            reply.play(plan, fault);
        } finally {
            permit.get().close();
        }
    }

    private static JsonNode withModel(JsonNode root, Optional<String> deployment) {
        if (deployment.isEmpty() || root.path("model").isTextual()) return root;
        return ((ObjectNode) root.deepCopy()).put("model", deployment.get());
    }

    /** Counts at once, unless the timing faults {@code slow-headers} or {@code no-answer} ask it to wait first. */
    private void countTokens(Exchange ex, Request request, byte[] body) {
        try {
            JsonNode root =
                    Json.parseObject(body).orElseThrow(() -> new BadRequest("request body is not a JSON object"));
            Fault.Choice fault = timingFault(request, root);
            if (fault.fault() == Fault.NO_ANSWER) ex.parkUntilGone();
            if (fault.fault() == Fault.SLOW_HEADERS)
                ex.await(Plan.of(settings, fault, name -> header(request, name)).latency());
            ex.respond(200, Player.JSON, Map.of(), AnthropicDialect.countTokens(root));
        } catch (BadRequest e) {
            respondError(ex, anthropic, ErrorKind.INVALID_REQUEST, e.getMessage());
        }
    }

    /**
     * The request's fault if it is a timing one count_tokens honours; any other (or unknown) fault is
     * ignored there, and count_tokens does not count toward a {@code -times-<K>}.
     */
    private static Fault.Choice timingFault(Request request, JsonNode root) {
        try {
            Fault.Choice choice = Fault.select(
                    header(request, Fault.HEADER),
                    Optional.of(root.path("model")).filter(JsonNode::isTextual).map(JsonNode::asText));
            Fault fault = choice.fault();
            return fault == Fault.SLOW_HEADERS || fault == Fault.NO_ANSWER ? choice : Fault.Choice.NONE;
        } catch (BadRequest unknown) {
            return Fault.Choice.NONE;
        }
    }

    static void respondError(Exchange ex, Dialect dialect, ErrorKind kind, String message) {
        Map<String, String> headers =
                kind.retryAfter().map(value -> Map.of("retry-after", value)).orElse(Map.of());
        ex.respond(dialect.status(kind), Player.JSON, headers, dialect.error(kind, message));
    }

    /** Reads up to one byte more than allowed, so an oversized body is seen without reading it all. */
    private static byte[] readBody(Request request) {
        try (InputStream in = Content.Source.asInputStream(request)) {
            return in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new Gone("failed reading the request body", e);
        }
    }

    static Optional<String> header(Request request, String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    /** Every header of {@code request}, names lower-cased (also what a realtime handshake records). */
    static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>())
                    .add(field.getValue());
        }
        return headers;
    }
}
