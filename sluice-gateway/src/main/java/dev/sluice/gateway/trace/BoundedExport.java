package dev.sluice.gateway.trace;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the batch processor's queue bounded and counts what it drops: a span is handed on only while fewer than
 * {@code maxQueued} sampled spans wait for export (handed on, not yet given to the exporter), else dropped and
 * counted, so the processor's own queue never fills and every drop is known. A request never waits here.
 */
final class BoundedExport {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile @Nullable SpanExporter inner;

    long dropped() {
        return dropped.get();
    }

    /** Spans waiting for export: handed to the batch processor, not yet given to the exporter. */
    long queued() {
        return Math.max(0, pending.get());
    }

    /** Spans the collector accepted. */
    long exported() {
        return exported.get();
    }

    /** Spans given to the exporter whose export failed (collector down, slow past the timeout, or refusing). */
    long failed() {
        return failed.get();
    }

    /** The exporter, telling this of every span it is given. */
    SpanExporter exporter(SpanExporter inner) {
        this.inner = inner;
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                int n = spans.size();
                pending.addAndGet(-n);
                CompletableResultCode result = inner.export(spans);
                result.whenComplete(() -> (result.isSuccess() ? exported : failed).addAndGet(n));
                return result;
            }

            @Override
            public CompletableResultCode flush() {
                return inner.flush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return inner.shutdown();
            }
        };
    }

    /**
     * Shuts the exporter itself down (its sender's threads stopped, a retry's wait interrupted), for when the
     * batch processor's orderly shutdown is stuck in an export: no export outlives Sluice.
     */
    CompletableResultCode stopExporter() {
        SpanExporter e = inner;
        return e == null ? CompletableResultCode.ofSuccess() : e.shutdown();
    }

    /** The processor (the SDK's batch processor), handed only what fits under {@code maxQueued}. */
    SpanProcessor processor(SpanProcessor inner, int maxQueued) {
        return new SpanProcessor() {
            @Override
            public void onStart(Context parentContext, ReadWriteSpan span) {
                inner.onStart(parentContext, span);
            }

            @Override
            public boolean isStartRequired() {
                return inner.isStartRequired();
            }

            @Override
            public void onEnd(ReadableSpan span) {
                if (!span.getSpanContext().isSampled()) {
                    return; // the batch processor exports sampled spans only
                }
                if (pending.incrementAndGet() > maxQueued) {
                    pending.decrementAndGet();
                    dropped.incrementAndGet();
                    return;
                }
                inner.onEnd(span);
            }

            @Override
            public boolean isEndRequired() {
                return true;
            }

            @Override
            public CompletableResultCode forceFlush() {
                return inner.forceFlush();
            }

            @Override
            public CompletableResultCode shutdown() {
                return inner.shutdown();
            }
        };
    }
}
