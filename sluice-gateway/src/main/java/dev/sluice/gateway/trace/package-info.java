/**
 * OpenTelemetry traces: {@code Tracing} (the SDK configured from the {@code OTEL_*} environment and
 * {@code tracing.*}, or {@link dev.sluice.gateway.trace.Tracing#OFF}), a server span per client request
 * ({@code RequestSpan}) and a client span per upstream attempt ({@code AttemptSpan}), exported over OTLP/HTTP
 * by a bounded batch processor whose drops are counted ({@code BoundedExport}). Off, every call is a no-op on
 * shared constants. Uses only {@code exchange} and {@code config} of the gateway.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.trace;

import org.jspecify.annotations.NullMarked;
