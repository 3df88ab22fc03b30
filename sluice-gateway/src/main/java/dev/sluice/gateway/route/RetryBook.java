package dev.sluice.gateway.route;

import dev.sluice.gateway.route.targets.TargetCursor;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A plan's retry bookkeeping: the same-target retries spent on the target it is at, per kind of failure
 * ({@link SameTargetRetries#kind}), whether the free retry of a stale connection is spent, and, from those
 * and where the plan stands, the {@link Decision} after the attempt that just ended (made once, kept until
 * the plan acts on it). Not thread-safe: the plan's request thread uses it.
 */
final class RetryBook {

    private final PlanContext ctx;
    private final TargetCursor targets;
    private final List<String> tried; // the plan's attempts so far, read only
    private final int[] retriesHere = new int[SameTargetRetries.KINDS]; // same-target retries per kind, this target
    private @Nullable Decision pending;
    private boolean staleRetried;

    RetryBook(PlanContext ctx, TargetCursor targets, List<String> tried) {
        this.ctx = ctx;
        this.targets = targets;
        this.tried = tried;
    }

    /** The decision after {@code a}, which has ended; the same one until {@link #clear()}. */
    Decision after(Attempt a, AttemptOutcome outcome) {
        if (pending == null) {
            int kind = SameTargetRetries.kind(outcome);
            int left = kind < 0 ? 0 : ctx.policy().sameTargetRetries().allowed(outcome) - retriesHere[kind];
            pending = Decision.after(
                    outcome,
                    a.retryAfter(),
                    new Decision.Situation(
                            staleRetried,
                            ctx.keys(a.target().provider()).anyReady(),
                            ctx.policy().maxRetryAfter(),
                            Math.max(0, left),
                            roomToRetry(),
                            outcome == AttemptOutcome.CONTEXT_LENGTH
                                    && !targets.untriedContextTargets(tried).isEmpty()));
        }
        return pending;
    }

    /** The plan acts on the decision: the next one is made after the next attempt. */
    void clear() {
        pending = null;
    }

    /** The plan retries the same target, as {@code d} says, after {@code outcome}. */
    void retried(Decision d, AttemptOutcome outcome) {
        if (d.kind() == Decision.Kind.SAME_FREE) {
            staleRetried = true;
        }
        int kind = SameTargetRetries.kind(outcome);
        if (d.countsForKind() && kind >= 0) {
            retriesHere[kind]++;
        }
    }

    /** The plan makes its first attempt or moves to another target: no same-target retry spent there yet. */
    void newTarget() {
        Arrays.fill(retriesHere, 0);
    }

    /**
     * Whether a same-target retry still leaves an attempt for a later target of the plan whose breaker lets
     * calls through: the retries per kind never cost the request its fallback. True when no such target is left.
     */
    private boolean roomToRetry() {
        int leftAfterRetry = ctx.policy().maxAttempts() - tried.size() - 1;
        return leftAfterRetry >= 1 || !targets.laterAvailable();
    }
}
