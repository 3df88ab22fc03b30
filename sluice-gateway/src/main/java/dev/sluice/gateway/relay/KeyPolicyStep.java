package dev.sluice.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.limits.Limits;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.translate.TokenEstimator;
import java.util.Optional;

/**
 * The API key's policy: the models it may use (403), its max_tokens ceiling (400) and its rate limits
 * (429), all in the caller's dialect. An admitted request gets a lease, owned by the request scope.
 */
final class KeyPolicyStep {

    private KeyPolicyStep() {}

    /** Empty when the request has no key policy (no principal, or a key without one). */
    static Optional<Limits.Lease> admit(ProxyRequest r, String model, JsonNode json) throws GatewayException {
        Principal who = r.x().authenticated();
        if (who.policy().isEmpty()) {
            return Optional.empty();
        }
        var policy = who.policy().get();
        if (!policy.allows(model)) {
            throw new GatewayException(
                    403, "permission_error", "this API key may not use model " + r.x().model(), null);
        }
        long asked = Math.max(
                json.path("max_output_tokens").asLong(0),
                Math.max(
                        json.path("max_tokens").asLong(0),
                        json.path("max_completion_tokens").asLong(0)));
        if (policy.maxOutputTokens() > 0 && asked > policy.maxOutputTokens()) {
            throw new GatewayException(
                    400,
                    "invalid_request_error",
                    "max_tokens " + asked + " is above this API key's ceiling of " + policy.maxOutputTokens(),
                    null);
        }
        long estimate = policy.tokensPerMinute() > 0 ? estimateTokens(json) : 0; // only a tokens/min limit uses it
        Limits.Decision d = r.ctx().state().limits().admit(who.keyId(), policy, estimate);
        if (d instanceof Limits.Limited limited) {
            long s = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            throw new GatewayException(429, "rate_limit_error", "rate limited: " + limited.reason(), Long.toString(s));
        }
        return Optional.of(r.scope().own("key-limits", ((Limits.Admitted) d).lease()));
    }

    private static long estimateTokens(JsonNode json) {
        try {
            return TokenEstimator.estimate(json);
        } catch (RuntimeException unusual) {
            return json.toString().length() / 4;
        }
    }
}
