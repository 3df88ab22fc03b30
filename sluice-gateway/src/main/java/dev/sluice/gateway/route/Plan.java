package dev.sluice.gateway.route;

import dev.sluice.gateway.route.health.TargetState;
import dev.sluice.gateway.route.targets.RouteTarget;
import dev.sluice.gateway.route.targets.TargetCursor;
import dev.sluice.gateway.route.targets.Unavailable;
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
    private final TargetCursor targets;
    private final RetryBook retries;
    private final List<String> tried = new ArrayList<>(); // at most maxAttempts
    private String reason;
    private @Nullable Duration retryAfter; // for the client once exhausted
    private @Nullable Attempt current;
    private Duration delay = Duration.ZERO;
    private boolean exhausted;
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
        this.targets = new TargetCursor(order, onContextLength);
        this.retries = new RetryBook(ctx, targets, tried);
        this.whyEmpty = whyEmpty;
        this.reason = order.isEmpty() ? reasonIfEmpty : "";
        this.retryAfter = retryAfterIfEmpty;
    }

    public boolean isEmpty() {
        return targets.isEmpty();
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
        if (targets.isEmpty()) {
            return exhaust(reason);
        }
        if (current == null) {
            int i = targets.acquireFrom(0);
            return i < 0
                    ? exhaust("all targets unavailable: " + targets.unavailableAfter(0))
                    : Optional.of(handOut(i, Duration.ZERO));
        }
        Decision d = decision();
        retries.clear();
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
            retries.retried(d, last);
            return Optional.of(handOut(targets.at(), Duration.ZERO));
        }
        if (d.kind() == Decision.Kind.SAME && same.breaker().tryAcquirePermission()) {
            Optional<Attempt> retry = withToken(targets.at(), d.delay());
            retry.ifPresent(a -> retries.retried(d, last));
            return retry;
        }
        int after = targets.at() + 1;
        int i = targets.acquireFrom(after);
        if (i < 0) {
            return exhaust(
                    "no target left after " + last + " on " + current.target().id()
                            + (after < targets.size() ? " (" + targets.unavailableAfter(after) + ")" : ""));
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
        Attempt a = Objects.requireNonNull(current, "next() asks for a decision only after an attempt");
        return retries.after(
                a,
                a.outcome()
                        .orElseThrow(() -> new IllegalStateException(
                                a + " is still open: finish or close it before asking for the next one")));
    }

    /**
     * The first untried context-length target whose breaker permits a call. No retry token: it is no retry of
     * a failure, and the route's list bounds it.
     */
    private Optional<Attempt> toContextTarget(AttemptOutcome last) {
        String from = Objects.requireNonNull(current).target().id();
        int i = targets.toContextTarget(tried);
        if (i >= 0) {
            return Optional.of(handOut(i, Duration.ZERO));
        }
        List<RouteTarget> wider = targets.untriedContextTargets(tried);
        return exhaust("no context-length target left after " + last + " on " + from
                + (wider.isEmpty() ? "" : " (" + Unavailable.circuits(wider, 0) + ")"));
    }

    private Optional<Attempt> withToken(int index, Duration wait) {
        if (!ctx.budget().tryRetry()) {
            targets.get(index).state().breaker().releasePermission();
            return exhaust(ctx.budget().exhaustedReason());
        }
        return Optional.of(handOut(index, wait));
    }

    private Attempt handOut(int index, Duration wait) {
        RouteTarget rt = targets.get(index);
        if (current == null || index != targets.at()) {
            retries.newTarget();
        }
        usedFallback |= targets.moveTo(index, current == null);
        delay = wait;
        tried.add(rt.id());
        KeyRing keys = ctx.keys(rt.target().provider());
        current = new Attempt(rt, keys, keys.pick(), tried.size(), wait, ctx);
        return current;
    }

    private Optional<Attempt> exhaust(String why) {
        exhausted = true;
        reason = why;
        delay = Duration.ZERO;
        return Optional.empty();
    }
}
