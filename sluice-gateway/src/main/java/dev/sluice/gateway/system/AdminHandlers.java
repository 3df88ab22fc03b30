package dev.sluice.gateway.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gateway.auth.ApiKey;
import dev.sluice.gateway.auth.KeyPolicy;
import dev.sluice.gateway.auth.KeyStore;
import dev.sluice.gateway.context.GatewayContext;
import dev.sluice.gateway.context.GatewayException;
import dev.sluice.gateway.context.Json;
import dev.sluice.gateway.context.RequestChecks;
import dev.sluice.gateway.context.Sanitize;
import dev.sluice.gateway.usage.UsageQueries;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The admin API (needs {@code auth.admin-key}): {@code POST /admin/keys} creates a key and shows it
 * once, {@code GET /admin/keys} lists keys (never hashes or plaintext), {@code DELETE /admin/keys/{id}}
 * revokes one, {@code GET /admin/usage?key=|tenant=&since=&until=} reports usage.
 */
final class AdminHandlers {

    private final GatewayContext ctx;

    AdminHandlers(GatewayContext ctx) {
        this.ctx = ctx;
    }

    void register(HttpRouting.Builder routing) {
        routing.post("/admin/keys", (req, res) -> AdminGuard.run(ctx, req, res, this::create));
        routing.get("/admin/keys", (req, res) -> AdminGuard.run(ctx, req, res, this::list));
        routing.delete("/admin/keys/{id}", (req, res) -> AdminGuard.run(ctx, req, res, this::revoke));
        routing.get("/admin/usage", (req, res) -> AdminGuard.run(ctx, req, res, this::usage));
    }

    private void create(ServerRequest req, ServerResponse res) throws GatewayException, SQLException {
        JsonNode b = RequestChecks.parseObject(RequestChecks.readBody(req, 64 * 1024));
        String name = b.path("name").asText("");
        if (name.isBlank()) {
            throw new GatewayException(400, "name: field required");
        }
        List<String> models = new ArrayList<>();
        b.path("models").forEach(m -> models.add(m.asText()));
        KeyPolicy.BudgetPeriod period;
        try {
            period = KeyPolicy.BudgetPeriod.valueOf(
                    b.path("budget_period").asText("none").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GatewayException(400, "budget_period: must be none, day or month");
        }
        String priority = b.path("priority").asText("interactive");
        if (!priority.equals("interactive") && !priority.equals("batch")) {
            throw new GatewayException(400, "priority: must be interactive or batch");
        }
        KeyPolicy policy = new KeyPolicy(
                models,
                nonNegative(b, "requests_per_minute"),
                nonNegative(b, "tokens_per_minute"),
                nonNegative(b, "max_concurrent"),
                nonNegative(b, "budget_tokens"),
                period,
                priority,
                nonNegative(b, "max_output_tokens"));
        KeyStore.CreatedKey created =
                ctx.state().auth().store().create(name, b.path("tenant").asText(name), policy);
        ObjectNode out = describe(created.key());
        out.put("key", created.plaintext());
        out.put("note", "the key is shown only now; Sluice stores only its hash");
        res.status(201);
        json(res, out);
    }

    private void list(ServerRequest req, ServerResponse res) throws SQLException {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode data = out.putArray("data");
        for (ApiKey k : ctx.state().auth().store().list()) {
            data.add(describe(k));
        }
        json(res, out);
    }

    private void revoke(ServerRequest req, ServerResponse res) throws GatewayException, SQLException {
        String id = req.path().pathParameters().get("id");
        if (!ctx.state().auth().store().revoke(id)) {
            throw new GatewayException(404, "not_found_error", "no active key with id " + Sanitize.token(id), null);
        }
        ctx.state().auth().invalidateAll();
        json(res, Json.MAPPER.createObjectNode().put("id", id).put("revoked", true));
    }

    private void usage(ServerRequest req, ServerResponse res) throws GatewayException, SQLException {
        var q = req.query();
        String key = q.first("key").orElse(null);
        String tenant = q.first("tenant").orElse(null);
        if (key == null && tenant == null) {
            throw new GatewayException(400, "give key=<key id> or tenant=<tenant>");
        }
        long from = day(q.first("since").orElse(null), 0);
        long to = day(q.first("until").orElse(null), Long.MAX_VALUE);
        UsageQueries.Report r = ctx.state().usageQueries().report(key, tenant, from, to);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("key", key).put("tenant", tenant).put("from", from).put("to", to);
        totals(out.putObject("totals"), r.totals());
        ArrayNode models = out.putArray("by_model");
        r.byModel().forEach(t -> totals(models.addObject(), t));
        json(res, out);
    }

    private static void totals(ObjectNode n, UsageQueries.Totals t) {
        n.put("model", t.model())
                .put("requests", t.requests())
                .put("input_tokens", t.inputTokens())
                .put("output_tokens", t.outputTokens())
                .put("cache_read_tokens", t.cacheReadTokens())
                .put("cache_write_tokens", t.cacheWriteTokens())
                .put("cost_micros", t.costMicros())
                .put("errors", t.errors());
    }

    private static long day(String text, long otherwise) throws GatewayException {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(text)
                    .atStartOfDay(ZoneOffset.UTC)
                    .toInstant()
                    .toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new GatewayException(400, "since/until: use a date like 2026-11-01");
        }
    }

    private static int nonNegative(JsonNode b, String field) throws GatewayException {
        JsonNode v = b.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToInt() || v.asInt() < 0) {
            throw new GatewayException(400, field + ": must be a non-negative integer");
        }
        return v.asInt();
    }

    private static ObjectNode describe(ApiKey k) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", k.id())
                .put("name", k.name())
                .put("tenant", k.tenant())
                .put("prefix", k.prefix())
                .put("created_at", Instant.ofEpochMilli(k.createdAt()).toString())
                .put(
                        "revoked_at",
                        k.revokedAt() == null
                                ? null
                                : Instant.ofEpochMilli(k.revokedAt()).toString());
        KeyPolicy p = k.policy();
        ArrayNode models = n.putArray("models");
        p.allowedModels().forEach(models::add);
        n.put("requests_per_minute", p.requestsPerMinute())
                .put("tokens_per_minute", p.tokensPerMinute())
                .put("max_concurrent", p.maxConcurrent())
                .put("budget_tokens", p.budgetTokens())
                .put("budget_period", p.period().name().toLowerCase(Locale.ROOT))
                .put("priority", p.priority())
                .put("max_output_tokens", p.maxOutputTokens());
        return n;
    }

    private static void json(ServerResponse res, ObjectNode body) {
        res.header("content-type", "application/json");
        res.header("cache-control", "no-store");
        res.send(body.toString());
    }
}
