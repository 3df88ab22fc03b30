package dev.sluice.gateway.trace;

import dev.sluice.gateway.exchange.Completion;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The server span of one client request, ended with what the request's {@link Completion} says; the parent of
 * its upstream attempts' spans. {@link #NONE} when tracing is off.
 */
public final class RequestSpan {

    /** No span: every method does nothing. */
    public static final RequestSpan NONE = new RequestSpan(null, null, TextMapPropagator.noop());

    private final @Nullable Span span;
    private final @Nullable Tracer tracer;
    private final TextMapPropagator propagator;

    RequestSpan(@Nullable Span span, @Nullable Tracer tracer, TextMapPropagator propagator) {
        this.span = span;
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The trace id (32 hex digits), {@code ""} when off. */
    public String traceId() {
        return span == null ? "" : span.getSpanContext().getTraceId();
    }

    /**
     * A client span for one upstream attempt, a child of this one.
     *
     * @param operation the GenAI operation ({@code chat}, {@code embeddings})
     * @param provider the provider's kind ({@code anthropic}, {@code openai}, ...)
     * @param route the route asked for (the request's model)
     * @param target the target's id ({@code provider/model})
     * @param model the model asked of the target
     * @param server the provider's base URL
     * @param number the attempt's number in the request, from 1
     */
    public AttemptSpan attempt(
            String operation, String provider, String route, String target, String model, URI server, int number) {
        Span parent = span;
        Tracer t = tracer;
        if (parent == null || t == null) {
            return AttemptSpan.NONE;
        }
        var b = t.spanBuilder(operation + " " + model)
                .setParent(Context.root().with(parent))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", operation)
                .setAttribute("gen_ai.provider.name", provider)
                .setAttribute("gen_ai.system", provider)
                .setAttribute("gen_ai.request.model", model)
                .setAttribute("sluice.route", route)
                .setAttribute("sluice.target", target)
                .setAttribute("sluice.attempt", number);
        if (server.getHost() != null) {
            b.setAttribute("server.address", server.getHost());
            int port = server.getPort() > 0 ? server.getPort() : "https".equals(server.getScheme()) ? 443 : 80;
            b.setAttribute("server.port", port);
        }
        return new AttemptSpan(b.startSpan(), propagator);
    }

    /** Records how long the request waited for its admission permit ({@code sluice.admission.wait_ms}). */
    public void admitted(long waitedNanos) {
        Span s = span;
        if (s != null) {
            s.setAttribute("sluice.admission.wait_ms", waitedNanos / 1_000_000.0);
        }
    }

    /** Ends the span with the request's status, outcome, targets and usage; never the prompt or the answer. */
    public void end(Completion c) {
        Span s = span;
        if (s == null) {
            return;
        }
        s.setAttribute("http.response.status_code", c.status());
        s.setAttribute("sluice.request_id", c.id());
        s.setAttribute("sluice.outcome", c.outcome().name());
        if (!c.model().isEmpty()) {
            s.setAttribute("sluice.route", c.model());
            s.setAttribute("gen_ai.request.model", c.model());
        }
        if (!c.tried().isEmpty()) {
            s.setAttribute("sluice.targets", String.join(",", c.tried()));
        }
        if (!c.upstreamModel().isEmpty()) {
            s.setAttribute("gen_ai.response.model", c.upstreamModel());
        }
        if (c.usage().inputTokens() + c.usage().outputTokens() > 0) {
            s.setAttribute("gen_ai.usage.input_tokens", c.usage().inputTokens());
            s.setAttribute("gen_ai.usage.output_tokens", c.usage().outputTokens());
        }
        if (c.cacheHit()) {
            s.setAttribute("sluice.cache_hit", true);
        }
        if (c.status() >= 500) {
            s.setStatus(StatusCode.ERROR);
        }
        s.end();
    }
}
