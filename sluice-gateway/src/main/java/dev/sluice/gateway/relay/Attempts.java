package dev.sluice.gateway.relay;

import dev.sluice.core.Outcome;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Timing;
import dev.sluice.gateway.edge.ClientGoneWatch;
import dev.sluice.gateway.proxy.Tally;
import dev.sluice.gateway.route.Attempt;
import dev.sluice.gateway.route.Plan;
import java.time.Duration;
import java.util.Optional;

/**
 * The loop over a plan's attempts: wait the delay the plan asks for, check the request's deadline,
 * run the attempt; stop when one answered, when the client left, or when the request itself is at
 * fault (400, 413, 422: no other target would take it), unless the 400 said the prompt is too long
 * for its target and the plan goes on to one of the route's context-length targets.
 */
final class Attempts {

    /** One attempt on one target. It finishes the attempt (the router's outcome) before it returns. */
    @FunctionalInterface
    interface Step {
        AttemptResult run(Attempt attempt) throws InterruptedException;
    }

    private final Timing.Sleeper sleeper;
    private final Deadline deadline;
    private final ClientGoneWatch clientGone;
    private final Tally tally;

    Attempts(Timing.Sleeper sleeper, Deadline deadline, ClientGoneWatch clientGone, Tally tally) {
        this.sleeper = sleeper;
        this.deadline = deadline;
        this.clientGone = clientGone;
        this.tally = tally;
    }

    /**
     * @param onAnswered run once an attempt answered, before that attempt is closed
     * @return the request's outcome: the answering attempt's, or CANCELLED when the client left
     * @throws GatewayException the last attempt's failure, the deadline's 504, or why the plan had no attempt
     */
    Outcome run(Plan plan, Step step, Runnable onAnswered) throws GatewayException, InterruptedException {
        GatewayException last = null;
        for (Optional<Attempt> next = plan.next(); next.isPresent(); next = plan.next()) {
            if (clientGone.gone()) {
                next.get().close(); // releases the target's in-flight slot and breaker permission it took
                return Outcome.CANCELLED; // the client left before this attempt: nobody to try (again) for
            }
            Duration delay = plan.delayBeforeNext();
            if (!delay.isZero()) {
                sleeper.sleep(delay);
            }
            if (deadline.passed()) {
                next.get().close();
                throw new GatewayException(
                        504,
                        "timeout_error",
                        "no answer within timeouts.total (" + deadline.total().toMillis() + " ms) over "
                                + tally.attempts() + " attempt(s)",
                        null,
                        Outcome.DROPPED); // the upstreams did not answer in time
            }
            try (Attempt attempt = next.get()) {
                tally.attempting(
                        attempt.target().id(),
                        attempt.target().provider(),
                        attempt.target().model());
                AttemptResult result;
                try {
                    result = step.run(attempt);
                } finally {
                    clientGone.clear();
                }
                switch (result) {
                    case AttemptResult.Answered answered -> {
                        onAnswered.run();
                        return answered.outcome();
                    }
                    case AttemptResult.FailedBeforeFirstByte failed -> last = failed.failure();
                    case AttemptResult.Broken broken -> last = broken.failure();
                }
                if (clientGone.gone()) {
                    return Outcome.CANCELLED;
                }
                if ((last.status() == 400 || last.status() == 413 || last.status() == 422)
                        && !plan.switchesForContextLength()) {
                    break; // the request itself is at fault: no other target will take it
                }
            }
        }
        throw last != null ? last : noTarget(plan);
    }

    /**
     * No target to try: an unknown model (404), or every target's breaker open (529; 503 for OpenAI clients).
     * Either is Sluice's own answer, no upstream's, so a {@link Outcome#FAILURE}, not a drop.
     */
    static GatewayException noTarget(Plan plan) {
        if (plan.whyEmpty().orElse(null) == Plan.Empty.NO_ROUTE) {
            return new GatewayException(404, "not_found_error", plan.reason(), null);
        }
        long seconds = plan.retryAfter()
                .map(d -> Math.max(1, (d.toMillis() + 999) / 1000))
                .orElse(1L);
        return new GatewayException(529, "overloaded_error", plan.reason(), Long.toString(seconds));
    }
}
