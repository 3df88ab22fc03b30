package dev.sluice.gateway.trace;

import dev.sluice.gateway.config.SluiceConfig;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Sluice's traces: off ({@link #OFF}, every span a shared no-op) unless {@code tracing.endpoint} or
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} / {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set; on, the OpenTelemetry
 * SDK as its autoconfiguration makes it from the standard {@code OTEL_*} variables (service name, sampler,
 * resource attributes, headers, timeout, batch sizes), exporting over OTLP/HTTP with the JDK's HttpClient through a
 * batch processor kept bounded by {@link BoundedExport}. Closed with Sluice: what is queued is flushed within the
 * close's time, then the exporter stops.
 */
public final class Tracing implements AutoCloseable {

    /** No tracing: nothing is recorded, nothing is sent. */
    public static final Tracing OFF = new Tracing(null, null, Duration.ZERO);

    private static final TextMapGetter<Function<String, @Nullable String>> HEADERS = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable Function<String, @Nullable String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final @Nullable OpenTelemetrySdk sdk;
    private final @Nullable BoundedExport export;
    private final @Nullable Tracer tracer;
    private final TextMapPropagator propagator;
    private final Duration flushTimeout;

    private Tracing(@Nullable OpenTelemetrySdk sdk, @Nullable BoundedExport export, Duration flushTimeout) {
        this.sdk = sdk;
        this.export = export;
        this.tracer = sdk == null ? null : sdk.getTracer("dev.sluice.gateway");
        this.propagator =
                sdk == null ? TextMapPropagator.noop() : sdk.getPropagators().getTextMapPropagator();
        this.flushTimeout = flushTimeout;
    }

    /**
     * Tracing as {@code config} and the environment {@code env} ask: {@link #OFF} when neither names an endpoint
     * (or {@code OTEL_SDK_DISABLED} is true). A {@code tracing.endpoint} wins over the environment's endpoint.
     */
    public static Tracing start(SluiceConfig.Tracing config, Map<String, String> env, Duration flushTimeout) {
        boolean fromEnv = set(env, "OTEL_EXPORTER_OTLP_ENDPOINT") || set(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if ((config.endpoint().isBlank() && !fromEnv)
                || "true".equals(env.getOrDefault("OTEL_SDK_DISABLED", "").toLowerCase(Locale.ROOT))) {
            return OFF;
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.put("otel.bsp.schedule.delay", config.exportInterval().toMillis() + "ms");
        if (!env.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "").contains("service.name=")) {
            defaults.put("otel.service.name", "sluice");
        }
        Map<String, String> forced = new HashMap<>();
        forced.put("otel.metrics.exporter", "none"); // traces only: metrics are /metrics, logs are the log lines
        forced.put("otel.logs.exporter", "none");
        if (!config.endpoint().isBlank()) {
            // the traces endpoint itself, so that it wins over OTEL_EXPORTER_OTLP_TRACES_ENDPOINT too
            String base = config.endpoint().strip().replaceAll("/+$", "");
            forced.put("otel.exporter.otlp.traces.endpoint", base + "/v1/traces");
        }
        BoundedExport export = new BoundedExport();
        OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .addPropertiesCustomizer(c -> forced)
                .addSpanExporterCustomizer((exporter, c) -> export.exporter(exporter))
                .addSpanProcessorCustomizer(
                        (processor, c) -> export.processor(processor, c.getInt("otel.bsp.max.queue.size", 2048)))
                .disableShutdownHook() // Sluice's own shutdown closes it, after the last request
                .build()
                .getOpenTelemetrySdk();
        return new Tracing(sdk, export, flushTimeout);
    }

    private static boolean set(Map<String, String> env, String name) {
        return !env.getOrDefault(name, "").isBlank();
    }

    /** Whether spans are recorded and sent. */
    public boolean on() {
        return tracer != null;
    }

    /** Spans dropped because the export queue was full (the collector slow or down). */
    public long droppedSpans() {
        return export == null ? 0 : export.dropped();
    }

    /** Spans waiting for export (0 when off). */
    public long queuedSpans() {
        return export == null ? 0 : export.queued();
    }

    /** Spans the collector accepted (0 when off). */
    public long exportedSpans() {
        return export == null ? 0 : export.exported();
    }

    /** Spans whose export failed: the collector down, too slow, or refusing them (0 when off). */
    public long failedSpans() {
        return export == null ? 0 : export.failed();
    }

    /**
     * The server span of one client request, continuing the caller's {@code traceparent}/{@code tracestate}
     * read through {@code header}; {@link RequestSpan#NONE} when off.
     */
    public RequestSpan request(String method, String path, Function<String, @Nullable String> header) {
        Tracer t = tracer;
        if (t == null) {
            return RequestSpan.NONE;
        }
        Context parent = propagator.extract(Context.root(), header, HEADERS);
        Span span = t.spanBuilder(method + " " + path)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", path)
                .startSpan();
        return new RequestSpan(span, t, propagator);
    }

    @Override
    public void close() {
        OpenTelemetrySdk s = sdk;
        if (s != null) {
            // bounded: a collector down or slow costs the shutdown at most this long
            CompletableResultCode done = s.shutdown().join(flushTimeout.toMillis(), TimeUnit.MILLISECONDS);
            BoundedExport e = export;
            if (!done.isDone() && e != null) {
                // still in an export (the exporter retrying a collector that is down or stalled): stop the exporter
                // itself, else its retries go on after Sluice closed, to a port that may be someone else's by then
                e.stopExporter().join(1, TimeUnit.SECONDS);
            }
        }
    }
}
