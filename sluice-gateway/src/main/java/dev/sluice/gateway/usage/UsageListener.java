package dev.sluice.gateway.usage;

import dev.sluice.gateway.exchange.Completion;
import dev.sluice.gateway.exchange.CompletionListener;
import dev.sluice.gateway.translate.Usage;

/**
 * Turns a finished generation request into a usage record (never blocks: the recorder's queue is bounded).
 * Requests that generate nothing (count_tokens, models) or never got past auth leave no record.
 */
public final class UsageListener implements CompletionListener {

    private final UsageRecorder recorder;
    private final PriceTable prices;

    public UsageListener(UsageRecorder recorder, PriceTable prices) {
        this.recorder = recorder;
        this.prices = prices;
    }

    @Override
    public void completed(Completion c) {
        if (!c.metered() || !c.authenticated()) {
            return;
        }
        recorder.record(record(c, prices));
    }

    static UsageRecord record(Completion c, PriceTable prices) {
        Usage u = c.usage();
        // priced by the model that answered; by the model asked for when that one has no price
        String priced = c.upstreamModel().isEmpty() ? c.model() : c.upstreamModel();
        long cost =
                prices.costMicros(priced, u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens());
        if (cost == 0 && !priced.equals(c.model())) {
            cost = prices.costMicros(
                    c.model(), u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens());
        }
        return new UsageRecord(
                c.id(),
                c.endMillis(),
                c.keyId(),
                c.tenant(),
                c.model(),
                c.cacheHit() ? "cache" : c.provider(),
                c.upstreamModel(),
                c.dialect(),
                c.stream(),
                u.inputTokens(),
                u.outputTokens(),
                u.cacheReadTokens(),
                u.cacheWriteTokens(),
                c.durationNanos() / 1_000_000,
                c.firstByteNanos() == 0 ? -1 : c.firstByteAfterNanos() / 1_000_000,
                c.status(),
                c.outcome().name(),
                cost);
    }
}
