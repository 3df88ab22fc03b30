package dev.sluice.gateway.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Outcome;
import dev.sluice.core.ResourceScope;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.provider.ProviderEndpoint;
import dev.sluice.gateway.provider.UpstreamCall;
import dev.sluice.gateway.provider.UpstreamFailure;
import dev.sluice.gateway.provider.UpstreamHead;
import dev.sluice.gateway.provider.UpstreamTimeouts;
import dev.sluice.gateway.proxy.Exchange;
import dev.sluice.gateway.proxy.ProxyRequest;
import dev.sluice.gateway.proxy.Tally;
import dev.sluice.gateway.relay.Outcomes;
import dev.sluice.gateway.relay.WholeAnswers;
import dev.sluice.gateway.translate.Dialect;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/models} in the caller's dialect: the configured route names, followed by the default
 * provider's own models (asked of it, translated), since any of those names is routed there unchanged.
 */
final class Models {

    private final GatewayContext ctx;
    private final ServerResponse res;
    private final ResourceScope scope;
    private final Exchange x;
    private final Tally tally;

    Models(ProxyRequest r) {
        this.ctx = r.ctx();
        this.res = r.res();
        this.scope = r.scope();
        this.x = r.x();
        this.tally = r.tally();
    }

    Outcome run() throws GatewayException, InterruptedException {
        SluiceConfig.Routing routing = ctx.config().routing();
        List<String> ids = new ArrayList<>(routing.routes().keySet());
        if (!routing.defaultProvider().isEmpty()) {
            ids.addAll(upstreamModels(ctx.provider(routing.defaultProvider())));
        }
        res.header("content-type", "application/json");
        res.send(render(ids.stream().distinct().toList(), x.client()).toString());
        return Outcome.SUCCESS;
    }

    private List<String> upstreamModels(ProviderEndpoint provider) throws GatewayException, InterruptedException {
        tally.calling(provider.name());
        var t = ctx.config().timeouts();
        UpstreamCall call = scope.own(
                "upstream-call",
                provider.client()
                        .send(
                                "GET",
                                provider.modelsPath(),
                                provider.authHeaders(provider.firstKey()),
                                new byte[0],
                                new UpstreamTimeouts(t.firstByte(), t.idle(), t.firstByte())));
        try {
            UpstreamHead head = call.awaitHead(t.firstByte());
            byte[] body = call.readBody(WholeAnswers.MAX_RESPONSE_BYTES);
            if (!head.ok()) {
                throw new GatewayException(
                        502,
                        "api_error",
                        "provider " + provider.name() + " answered HTTP " + head.status() + " to its model list",
                        null,
                        Outcomes.ofAnswer(head.status(), body)); // 429/503/529: a drop
            }
            JsonNode json = Json.MAPPER.readTree(body);
            List<String> ids = new ArrayList<>();
            for (JsonNode m : json.path("data")) { // Anthropic and OpenAI
                ids.add(m.path("id").asText());
            }
            for (JsonNode m : json.path("models")) { // Ollama
                ids.add(m.path("name").asText());
            }
            return ids.stream().filter(s -> !s.isEmpty()).toList();
        } catch (UpstreamFailure f) {
            throw Outcomes.error(f, provider.name(), x.id());
        } catch (IOException e) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "provider " + provider.name() + " sent a model list Sluice cannot read: " + e.getMessage(),
                    null);
        }
    }

    static ObjectNode render(List<String> ids, Dialect client) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (String id : ids) {
            ObjectNode m = data.addObject();
            if (client == Dialect.ANTHROPIC) {
                m.put("type", "model").put("id", id).put("display_name", id).put("created_at", "1970-01-01T00:00:00Z");
            } else {
                m.put("id", id).put("object", "model").put("created", 0).put("owned_by", "sluice");
            }
        }
        if (client == Dialect.ANTHROPIC) {
            root.put("has_more", false);
            root.put("first_id", ids.isEmpty() ? null : ids.get(0));
            root.put("last_id", ids.isEmpty() ? null : ids.get(ids.size() - 1));
        } else {
            root.put("object", "list");
        }
        return root;
    }
}
