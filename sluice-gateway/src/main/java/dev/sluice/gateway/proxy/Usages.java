package dev.sluice.gateway.proxy;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.translate.Usage;
import dev.sluice.gateway.usage.UsageRecord;
import java.util.Locale;

/** Turns a finished generation request into a usage record (never blocks: the recorder's queue is bounded). */
final class Usages {

    private Usages() {
    }

    static void record(GatewayContext ctx, RequestInfo info, int status, Outcome outcome, long startNanos) {
        if (ctx.state().usage().isEmpty() || info.principal == null) {
            return;
        }
        long now = System.nanoTime();
        Usage u = info.usage;
        String priced = info.upstreamModel.isEmpty() ? info.model : info.upstreamModel;
        long cost = ctx.state().prices().costMicros(priced, u.inputTokens(), u.outputTokens(), u.cacheReadTokens(),
                u.cacheWriteTokens());
        if (cost == 0 && !priced.equals(info.model)) {
            cost = ctx.state().prices().costMicros(info.model, u.inputTokens(), u.outputTokens(), u.cacheReadTokens(),
                    u.cacheWriteTokens());
        }
        ctx.state().usage().get().record(new UsageRecord(info.id, System.currentTimeMillis(), info.principal.keyId(),
                info.principal.tenant(), info.model, info.cacheHit ? "cache" : info.provider, info.upstreamModel,
                info.client.name().toLowerCase(Locale.ROOT), info.stream, u.inputTokens(), u.outputTokens(),
                u.cacheReadTokens(), u.cacheWriteTokens(), (now - startNanos) / 1_000_000,
                info.firstByteNanos == 0 ? -1 : (info.firstByteNanos - startNanos) / 1_000_000, status,
                outcome.name(), cost));
    }
}
