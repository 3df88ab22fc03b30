package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.Outcome;
import dev.sluice.gateway.cache.CachedAnswer;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.proxy.Tally;
import dev.sluice.gateway.route.Plan;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One generation request (Messages or Chat Completions) as a pipeline of steps: the key's policy
 * ({@link KeyPolicyStep}), the session's history ({@link SessionUse}), a Responses request's previous response
 * ({@link StoredResponseUse}), the response cache
 * ({@link CacheUse}), the router's plan, then its {@link Attempts}, each an {@link UpstreamAttempt}
 * answered as a {@link WholeAnswer} or a {@link StreamAnswer}. Failing targets are left only before
 * the first byte reaches the client; after it, failures go in-band.
 */
public final class Generation {

    /** On every answer: {@code <provider>/<model>}, the target that answered (after any fallback). */
    static final String TARGET_HEADER = dev.sluice.gateway.relay.stream.ClientStream.TARGET_HEADER;

    private final ProxyRequest r;

    public Generation(ProxyRequest r) {
        this.r = r;
    }

    public Outcome run(byte[] requestBody, JsonNode requestJson) throws GatewayException, InterruptedException {
        GatewayContext ctx = r.ctx();
        Deadline deadline = Deadline.after(ctx.timing(), ctx.config().timeouts().total());
        byte[] body = requestBody;
        JsonNode json = requestJson;
        String model = json.path("model").asText();
        Optional<Limits.Lease> lease = KeyPolicyStep.admit(r, model, json);
        SessionUse session = SessionUse.of(ctx, r.req(), r.x(), json);
        if (session.active()) {
            json = session.withHistory(json, ctx.config().sessions().historyTokenBudget());
            body = json.toString().getBytes(StandardCharsets.UTF_8);
        }
        StoredResponseUse stored = StoredResponseUse.of(ctx, r.x(), json);
        JsonNode expanded = stored.withPrevious(ctx, json);
        // withPrevious answers the very node it was given when it adds nothing: identity is the question
        @SuppressWarnings("ReferenceEquality")
        boolean grew = expanded != json;
        if (grew) {
            // the stored conversation now before the input is bound by the request limits like the client's own
            RequestLimits.check(
                    RequestLimits.responsesView(expanded), ctx.config().request());
            json = expanded;
            body = json.toString().getBytes(StandardCharsets.UTF_8);
        }
        // a stored response is a new object with its own id each time: a replayed one would repeat an id
        // that may be deleted or expired while the client holds it
        CacheUse cache = stored.keeps() ? CacheUse.off() : CacheUse.of(ctx, r.req(), r.x(), json, r.embeddings());
        Optional<CachedAnswer> hit = cache.lookup();
        if (hit.isPresent()) {
            return replay(hit.get());
        }
        cache.markMiss(r.res());
        Plan plan = ctx.router().plan(model, sessionKey());
        if (plan.isEmpty()) {
            throw Attempts.noTarget(plan);
        }
        JsonNode echoed = stored.echoed(json); // the answer names the previous response the client did
        StreamAnswer stream = new StreamAnswer(r, cache, session, stored, echoed);
        UpstreamAttempt attempt = new UpstreamAttempt(
                r, deadline, body, json, new WholeAnswer(r, ctx.timing(), cache, session, stored, echoed), stream);
        Tally tally = r.tally();
        try {
            return new Attempts(ctx.timing().sleeper(), deadline, r.x().clientGone(), tally)
                    .run(
                            plan,
                            attempt,
                            () -> lease.ifPresent(l -> l.record(
                                    tally.usage().inputTokens(), tally.usage().outputTokens())));
        } catch (GatewayException e) {
            if (stream.begun()) {
                return stream.endWith(e); // the stream's head is out: the failure is told in-band
            }
            throw e;
        }
    }

    private Outcome replay(CachedAnswer hit) {
        r.tally().cacheHit();
        try {
            CacheUse.replay(hit, r.res());
        } catch (IOException clientGone) {
            return Outcome.CANCELLED;
        }
        return Outcome.SUCCESS;
    }

    private Optional<String> sessionKey() {
        return r.req()
                .headers()
                .first(HeaderNames.create("x-session-id"))
                .or(() -> r.req().headers().first(HeaderNames.create("x-claude-code-session-id")))
                .filter(s -> !s.isBlank());
    }
}
