package dev.sluice.gateway.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The client span of one upstream attempt; {@link #NONE} when tracing is off. */
public final class AttemptSpan {

    /** No span: every method does nothing. */
    public static final AttemptSpan NONE = new AttemptSpan(null, TextMapPropagator.noop());

    private final @Nullable Span span;
    private final TextMapPropagator propagator;

    AttemptSpan(@Nullable Span span, TextMapPropagator propagator) {
        this.span = span;
        this.propagator = propagator;
    }

    /** Adds {@code traceparent} (and {@code tracestate}) naming this span to the upstream request's headers. */
    public void inject(Map<String, List<String>> headers) {
        Span s = span;
        if (s != null) {
            propagator.inject(Context.root().with(s), headers, (h, k, v) -> {
                if (h != null) {
                    h.put(k, List.of(v));
                }
            });
        }
    }

    /**
     * Ends the span.
     *
     * @param outcome the attempt's outcome for the router ({@code SUCCESS}, {@code SERVER_ERROR}, ...)
     * @param success whether the attempt answered
     * @param responseModel the model that answered, {@code ""} when none did
     * @param inputTokens the input tokens reported, 0 when none
     * @param outputTokens the output tokens reported, 0 when none
     */
    public void end(String outcome, boolean success, String responseModel, long inputTokens, long outputTokens) {
        Span s = span;
        if (s == null) {
            return;
        }
        s.setAttribute("sluice.outcome", outcome);
        if (success) {
            if (!responseModel.isEmpty()) {
                s.setAttribute("gen_ai.response.model", responseModel);
            }
            if (inputTokens + outputTokens > 0) {
                s.setAttribute("gen_ai.usage.input_tokens", inputTokens);
                s.setAttribute("gen_ai.usage.output_tokens", outputTokens);
            }
        } else {
            s.setStatus(StatusCode.ERROR, outcome);
            s.setAttribute("error.type", outcome);
        }
        s.end();
    }
}
