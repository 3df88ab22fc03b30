package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.TargetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The attempts of one request, handed out one at a time by {@link #next()}: the first on the first
 * target whose breaker permits it, then, after each failed attempt, a retry of the same target or
 * the next target, as the attempt's outcome decides, within the attempt limit and the gateway's
 * retry budget. A prompt too long for its target moves the plan to the route's context-length
 * targets, when it has some not tried yet. Not thread-safe: the request thread uses it.
 *
 * <pre>{@code
 * Optional<Attempt> next;
 * while ((next = plan.next()).isPresent()) {
 *     sleep(plan.delayBeforeNext());
 *     try (Attempt a = next.get()) { ... a.finish(outcome, retryAfter); if (done) break; }
 * }
 * // no (more) attempts: plan.reason() says why, plan.retryAfter() what to tell the client
 * }</pre>
 */
public final class Plan {

    /** Why a plan is empty from the start; {@link #reason()} keeps the human message. */
    public enum Empty {
        /** No route for the model and no default provider. */
        NO_ROUTE,
        /** Every target of the route has its circuit breaker open (or in trial). */
        ALL_BREAKERS_OPEN
    }

    private final PlanContext ctx;
    private final @Nullable Empty whyEmpty; // null when the plan has targets
    private List<RouteTarget> order; // attempt order; once switched: the untried context-length targets
    private final List<RouteTarget> onContextLength;
    private final int[] retriesHere = new int[SameTargetRetries.KINDS]; // same-target retries per kind, this target
    private final List<String> tried = new ArrayList<>(); // at most maxAttempts
    private String reason;
    private @Nullable Duration retryAfter; // for the client once exhausted
    private int cursor;
    private @Nullable Attempt current;
    private @Nullable Decision pending;
    private Duration delay = Duration.ZERO;
    private boolean exhausted;
    private boolean staleRetried;
    private boolean usedFallback;

    Plan(
            PlanContext ctx,
            List<RouteTarget> order,
            List<RouteTarget> onContextLength,
            @Nullable Empty whyEmpty,
            String reasonIfEmpty,
            @Nullable Duration retryAfterIfEmpty) {
        if (order.isEmpty() != (whyEmpty != null)) {
            throw new IllegalArgumentException("an empty plan needs a reason why, a non-empty one none: " + whyEmpty);
        }
        this.ctx = ctx;
        this.order = order;
        this.onContextLength = onContextLength;
        this.whyEmpty = whyEmpty;
        this.reason = order.isEmpty() ? reasonIfEmpty : "";
        this.retryAfter = retryAfterIfEmpty;
    }

    public boolean isEmpty() {
        return order.isEmpty();
    }

    /** Why the plan is empty from the start, or empty when it has targets. */
    public Optional<Empty> whyEmpty() {
        return Optional.ofNullable(whyEmpty);
    }

    /**
     * Why the plan is empty, or, once {@link #next()} returned empty, why it stopped (e.g. {@code
     * "succeeded"}, {@code "not retried: CONTEXT_LENGTH"}, a spent budget); else {@code ""}.
     */
    public String reason() {
        return reason;
    }

    /**
     * What the client may be told to wait once no attempt is left: until the first breaker may let
     * calls through again (empty plan), or the last Retry-After an upstream sent.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * The next attempt, or empty when the request is done or nothing is left to try. The previous
     * attempt must have been finished or closed. The returned attempt holds an in-flight slot and
     * a breaker permission: close it.
     *
     * @throws IllegalStateException if the previous attempt is neither finished nor closed
     */
    public Optional<Attempt> next() {
        if (exhausted) {
            return Optional.empty();
        }
        if (order.isEmpty()) {
            return exhaust(reason);
        }
        if (current == null) {
            int i = acquireFrom(0);
            return i < 0 ? exhaust(unavailableReason()) : Optional.of(handOut(i, Duration.ZERO));
        }
        Decision d = decision();
        pending = null;
        AttemptOutcome last = current.outcome().orElseThrow();
        current.retryAfter().ifPresent(ra -> retryAfter = ra);
        if (d.kind() == Decision.Kind.STOP) {
            return exhaust(d.why());
        }
        int max = ctx.policy().maxAttempts();
        if (tried.size() >= max) {
            return exhaust("gave up after " + tried.size() + " attempts (max " + max + "); last: " + last + " on "
                    + current.target().id());
        }
        if (d.kind() == Decision.Kind.CONTEXT) {
            return toContextTarget(last);
        }
        TargetState same = current.routeTarget().state();
        if (d.kind() == Decision.Kind.SAME_FREE && same.breaker().tryAcquirePermission()) {
            staleRetried = true;
            countForKind(d, last);
            return Optional.of(handOut(cursor, Duration.ZERO));
        }
        if (d.kind() == Decision.Kind.SAME && same.breaker().tryAcquirePermission()) {
            Optional<Attempt> retry = withToken(cursor, d.delay());
            retry.ifPresent(a -> countForKind(d, last));
            return retry;
        }
        int i = acquireFrom(cursor + 1);
        if (i < 0) {
            return exhaust(
                    "no target left after " + last + " on " + current.target().id()
                            + (cursor + 1 < order.size() ? " (" + unavailableAfter(cursor + 1) + ")" : ""));
        }
        return withToken(i, Duration.ZERO);
    }

    /**
     * How long the caller should wait before making the attempt {@link #next()} returns (or
     * returned last): a Retry-After the router decided to honour, else zero. Same answer before
     * and after that {@code next()} call.
     */
    public Duration delayBeforeNext() {
        if (current != null && !exhausted && current.outcome().isPresent()) {
            return decision().delay();
        }
        return delay;
    }

    /**
     * Whether the attempt that just ended was refused as too long for its target and the plan goes on to
     * one of the route's context-length targets: the request is then not at fault, though its answer was a
     * 400. False before the attempt ended and once {@link #next()} was called after it.
     */
    public boolean switchesForContextLength() {
        return current != null
                && !exhausted
                && current.outcome().isPresent()
                && decision().kind() == Decision.Kind.CONTEXT;
    }

    /** Attempts handed out so far. */
    public int attempts() {
        return tried.size();
    }

    /** Whether an attempt went to a target other than the first one tried. */
    public boolean usedFallback() {
        return usedFallback;
    }

    /** The target id of each attempt so far, in order (a retried target appears again). */
    public List<String> tried() {
        return Collections.unmodifiableList(tried);
    }

    private Decision decision() {
        if (pending == null) {
            Attempt a = Objects.requireNonNull(current, "next() asks for a decision only after an attempt");
            AttemptOutcome outcome = a.outcome()
                    .orElseThrow(() -> new IllegalStateException(
                            a + " is still open: finish or close it before asking for the next one"));
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
                                    && !untriedContextTargets().isEmpty()));
        }
        return pending;
    }

    /**
     * Whether a same-target retry still leaves an attempt for a later target of the plan whose breaker lets
     * calls through: the retries per kind never cost the request its fallback. True when no such target is left.
     */
    private boolean roomToRetry() {
        int leftAfterRetry = ctx.policy().maxAttempts() - tried.size() - 1;
        if (leftAfterRetry >= 1) {
            return true;
        }
        for (int i = cursor + 1; i < order.size(); i++) {
            if (order.get(i).state().available()) {
                return false;
            }
        }
        return true;
    }

    private void countForKind(Decision d, AttemptOutcome outcome) {
        int kind = SameTargetRetries.kind(outcome);
        if (d.countsForKind() && kind >= 0) {
            retriesHere[kind]++;
        }
    }

    /** The route's context-length targets not tried yet, in their order. */
    private List<RouteTarget> untriedContextTargets() {
        List<RouteTarget> left = new ArrayList<>(onContextLength.size());
        for (RouteTarget rt : onContextLength) {
            if (!tried.contains(rt.id())) {
                left.add(rt);
            }
        }
        return left;
    }

    /**
     * The first untried context-length target whose breaker permits a call; the plan goes on among those
     * targets only (the route's others answered, or would answer, that the prompt is too long). No retry
     * token: it is no retry of a failure, and the route's list bounds it.
     */
    private Optional<Attempt> toContextTarget(AttemptOutcome last) {
        String from = Objects.requireNonNull(current).target().id();
        List<RouteTarget> wider = untriedContextTargets();
        for (int i = 0; i < wider.size(); i++) {
            if (wider.get(i).state().breaker().tryAcquirePermission()) {
                order = wider;
                cursor = -1; // a move, not a retry: handOut counts a fallback
                return Optional.of(handOut(i, Duration.ZERO));
            }
        }
        return exhaust("no context-length target left after " + last + " on " + from
                + (wider.isEmpty() ? "" : " (" + unavailable(wider, 0) + ")"));
    }

    private Optional<Attempt> withToken(int index, Duration wait) {
        if (!ctx.budget().tryRetry()) {
            order.get(index).state().breaker().releasePermission();
            return exhaust(ctx.budget().exhaustedReason());
        }
        return Optional.of(handOut(index, wait));
    }

    private Attempt handOut(int index, Duration wait) {
        RouteTarget rt = order.get(index);
        TargetState s = rt.state();
        s.countAttempt();
        if (current != null) {
            if (index == cursor) {
                s.countRetry();
            } else {
                s.countFallback();
                usedFallback = true;
            }
        }
        if (index != cursor || current == null) {
            java.util.Arrays.fill(retriesHere, 0);
        }
        cursor = index;
        delay = wait;
        tried.add(rt.id());
        KeyRing keys = ctx.keys(rt.target().provider());
        current = new Attempt(rt, keys, keys.pick(), tried.size(), wait, ctx);
        return current;
    }

    /** The first target from {@code from} on whose breaker grants a permission, or -1. */
    private int acquireFrom(int from) {
        for (int i = from; i < order.size(); i++) {
            if (order.get(i).state().breaker().tryAcquirePermission()) {
                return i;
            }
        }
        return -1;
    }

    private String unavailableReason() {
        return "all targets unavailable: " + unavailableAfter(0);
    }

    private String unavailableAfter(int from) {
        return unavailable(order, from);
    }

    private static String unavailable(List<RouteTarget> targets, int from) {
        List<String> parts = new ArrayList<>();
        for (int i = from; i < targets.size(); i++) {
            TargetState s = targets.get(i).state();
            parts.add("circuit "
                    + s.breaker()
                            .getState()
                            .name()
                            .toLowerCase(java.util.Locale.ROOT)
                            .replace('_', '-') + " for " + s.id()
                    + (s.isOpen() ? " until " + s.openUntil() : " (trial calls in progress)"));
        }
        return String.join(", ", parts);
    }

    private Optional<Attempt> exhaust(String why) {
        exhausted = true;
        reason = why;
        delay = Duration.ZERO;
        return Optional.empty();
    }
}
