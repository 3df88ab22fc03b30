package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Outcome;
import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.context.UpstreamHeaders;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.provider.UpstreamTimeouts;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.proxy.Tally;
import dev.sluice.gateway.relay.Outcomes;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.ErrorBodies;
import dev.sluice.gateway.translate.TokenEstimator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/messages/count_tokens}: asked of the model's first target when it is Anthropic; otherwise
 * estimated locally with a tokenizer (jtokkit) and marked {@code x-sluice-token-count: estimate}.
 */
final class CountTokens {

    private final GatewayContext ctx;
    private final ServerRequest req;
    private final ServerResponse res;
    private final ResourceScope scope;
    private final Exchange x;
    private final Tally tally;

    CountTokens(ProxyRequest r) {
        this.ctx = r.ctx();
        this.req = r.req();
        this.res = r.res();
        this.scope = r.scope();
        this.x = r.x();
        this.tally = r.tally();
    }

    Outcome run(byte[] body, JsonNode json) throws GatewayException, InterruptedException {
        String model = json.path("model").asText();
        SluiceConfig.Target target = firstTarget(model);
        ProviderEndpoint provider = ctx.provider(target.provider());
        tally.calling(target.provider() + "/" + target.model());
        if (provider.kind() != ProviderKind.ANTHROPIC) {
            ObjectNode answer = Json.MAPPER.createObjectNode().put("input_tokens", TokenEstimator.estimate(json));
            res.header("x-sluice-token-count", "estimate");
            res.header("content-type", "application/json");
            res.send(answer.toString());
            return Outcome.SUCCESS;
        }
        ObjectNode forwarded = json.deepCopy();
        forwarded.put("model", target.model());
        Map<String, List<String>> headers = new LinkedHashMap<>(provider.authHeaders(provider.firstKey()));
        req.headers()
                .first(HeaderNames.create("anthropic-beta"))
                .ifPresent(v -> headers.put("anthropic-beta", List.of(v)));
        req.headers()
                .first(HeaderNames.create("anthropic-version"))
                .ifPresent(v -> headers.put("anthropic-version", List.of(v)));
        headers.put("content-type", List.of("application/json"));
        var t = ctx.config().timeouts();
        UpstreamCall call = scope.own(
                "upstream-call",
                provider.client()
                        .send(
                                "POST",
                                "/v1/messages/count_tokens",
                                headers,
                                forwarded.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                new UpstreamTimeouts(t.firstByte(), t.idle(), t.firstByte())));
        x.clientGone()
                .onGone(() -> call.abort(new UpstreamFailure(UpstreamFailure.Kind.ABORTED, "client went away", null)));
        try {
            UpstreamHead head = call.awaitHead(t.firstByte());
            byte[] answer = call.readBody(1024 * 1024);
            UpstreamHeaders.copy(head.headers(), res);
            res.status(head.status());
            res.header("content-type", "application/json");
            res.send(
                    head.ok()
                            ? answer
                            : ErrorBodies.fromUpstream(Dialect.ANTHROPIC, Dialect.ANTHROPIC, head.status(), answer));
            return Outcomes.ofAnswer(head.status(), answer); // an upstream 429/503/529 passed on is a drop
        } catch (UpstreamFailure f) {
            throw Outcomes.error(f, target.provider() + "/" + target.model(), x.id());
        } catch (IOException e) {
            throw Outcomes.error(UpstreamCall.classify(e), target.provider() + "/" + target.model(), x.id());
        } finally {
            x.clientGone().clear();
        }
    }

    /** The model's first target, or the default provider with the name unchanged. */
    private SluiceConfig.Target firstTarget(String model) throws GatewayException {
        SluiceConfig.Routing routing = ctx.config().routing();
        SluiceConfig.Route route = routing.routes().get(model);
        if (route != null) {
            return route.targets().get(0);
        }
        return Optional.of(routing.defaultProvider())
                .filter(p -> !p.isEmpty())
                .map(p -> new SluiceConfig.Target(p, model, 1))
                .orElseThrow(() -> new GatewayException(404, "not_found_error", "no route for model " + model, null));
    }
}
