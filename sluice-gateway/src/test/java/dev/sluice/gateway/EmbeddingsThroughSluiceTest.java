package dev.sluice.gateway;

import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.gateway.metrics.StrictPrometheusParser;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/embeddings} end to end with the JDK client as a real (and a careless) client: each
 * provider kind addressed its own way (OpenAI-compatible bodies as sent with the route's model, Ollama's
 * translated), float and base64 vectors equal, token arrays, Sluice's own input checks, routing past
 * Anthropic targets and faults, the cache, metrics and usage.
 */
@LeakChecked
class EmbeddingsThroughSluiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-for-embeddings";
    static final String TEXT = "sluice embeds this sentence";
    /** USD per million input tokens of the Azure route's deployment: as many micro-dollars per token. */
    static final int EMBED_PRICE = 5;

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(3));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.mode",
            "keys",
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "auth.admin-key",
            ADMIN,
            "usage.flush-interval",
            "100ms",
            "usage.prices",
            "embed-deployment=" + EMBED_PRICE + "/0",
            "cache.enabled",
            "true",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.az.kind",
            "azure-openai",
            "providers.az.url",
            "{fake}",
            "providers.az.api-keys",
            "az-key",
            "providers.az.api-version",
            "2024-10-21",
            "providers.db.kind",
            "databricks",
            "providers.db.url",
            "{fake}",
            "providers.db.api-keys",
            "dapi-token",
            "providers.oll.kind",
            "ollama",
            "providers.oll.url",
            "{fake}",
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "routes.e-openai.targets",
            "oai:text-embedding-3-small",
            "routes.e-azure.targets",
            "az:embed-deployment",
            "routes.e-databricks.targets",
            "db:embed-endpoint",
            "routes.e-ollama.targets",
            "oll:nomic-embed-text",
            "routes.e-ant-first.targets",
            "ant:claude-embedder,oai:text-embedding-3-small",
            "routes.e-ant-only.targets",
            "ant:claude-embedder",
            "routes.e-falls-back.targets",
            "oai:fault-server-error,oll:nomic-embed-text",
            "routes.e-malformed.targets",
            "oai:fault-malformed",
            "routes.e-oll-malformed.targets",
            "oll:fault-malformed",
            "routes.e-slow.targets",
            "oai:fault-slow-headers",
            "routes.e-oll-slow.targets",
            "oll:fault-no-answer");

    /** A second pair for the storm: a slow fake behind a Sluice admitting 4 at once, 4 more waiting. */
    @RegisterExtension
    @Order(3)
    static final FakeProviderExtension SLOW_FAKE = FakeProviderExtension.create(b -> b.latency(Duration.ofMillis(40)));

    @RegisterExtension
    @Order(4)
    static final SluiceExtension SMALL = SluiceExtension.against(
            SLOW_FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "admission.max-in-flight",
            "4",
            "admission.queue-size",
            "4",
            "admission.queue-timeout",
            "100ms",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-oai",
            "providers.oll.kind",
            "ollama",
            "providers.oll.url",
            "{fake}",
            "routes.e-openai.targets",
            "oai:text-embedding-3-small",
            "routes.e-ollama.targets",
            "oll:nomic-embed-text");

    /** A provider kind behind a route: where the fake should see the call and how it is authenticated. */
    record Kind(
            String route,
            String upstreamModel,
            String path,
            String query,
            String authHeader,
            String authValue,
            boolean translated) {}

    static final List<Kind> KINDS = List.of(
            new Kind(
                    "e-openai",
                    "text-embedding-3-small",
                    "/v1/embeddings",
                    "",
                    "authorization",
                    "Bearer sk-oai",
                    false),
            new Kind(
                    "e-azure",
                    "embed-deployment",
                    "/openai/deployments/embed-deployment/embeddings",
                    "api-version=2024-10-21",
                    "api-key",
                    "az-key",
                    false),
            new Kind(
                    "e-databricks",
                    "embed-endpoint",
                    "/serving-endpoints/embed-endpoint/invocations",
                    "",
                    "authorization",
                    "Bearer dapi-token",
                    false),
            new Kind("e-ollama", "nomic-embed-text", "/api/embed", "", null, null, true));

    // ---- helpers

    static HttpResponse<String> embed(String body, String... extraHeaders) throws Exception {
        return Http.post(SLUICE.baseUri(), "/v1/embeddings", body, openAiHeaders(extraHeaders));
    }

    static HttpResponse<String> embedAs(String key, String body) throws Exception {
        return Http.post(
                SLUICE.baseUri(),
                "/v1/embeddings",
                body,
                "authorization",
                "Bearer " + key,
                "content-type",
                "application/json");
    }

    static String body(String model, String inputJson, String... more) {
        StringBuilder b = new StringBuilder("{\"model\":\"" + model + "\",\"input\":" + inputJson);
        for (int i = 0; i < more.length; i += 2) {
            b.append(",\"").append(more[i]).append("\":").append(more[i + 1]);
        }
        return b.append('}').toString();
    }

    static String quoted(String s) {
        return "\"" + s + "\"";
    }

    static float[] floats(JsonNode embedding) {
        float[] v = new float[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).floatValue();
        }
        return v;
    }

    static float[] decode(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / Float.BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    static int count() {
        return FAKE.provider().recentRequests().size();
    }

    static List<RecordedRequest> since(int before) {
        List<RecordedRequest> all = FAKE.provider().recentRequests();
        return List.copyOf(all.subList(before, all.size()));
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new TreeSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("object").asText()).isEqualTo("list");
        assertThat(json.path("usage").path("prompt_tokens").asLong())
                .as(r.body())
                .isPositive();
        return json;
    }

    /** Sends one request on {@code kind}'s route and checks the one upstream call the fake saw. */
    static JsonNode sendAndCheckUpstream(Kind kind, String body) throws Exception {
        int before = count();
        JsonNode answer = ok(embed(body));
        List<RecordedRequest> seen = since(before);
        assertThat(seen).as("one upstream call for %s", body).hasSize(1);
        RecordedRequest up = seen.get(0);
        assertThat(up.path()).as(kind.route()).isEqualTo(kind.path());
        assertThat(up.query()).as(kind.route()).isEqualTo(kind.query());
        if (kind.authHeader() != null) {
            assertThat(up.headers().get(kind.authHeader())).as(kind.route()).containsExactly(kind.authValue());
        }
        assertThat(up.body()).doesNotContain(SluiceExtension.CLIENT_KEY);
        assertThat(String.valueOf(up.headers())).doesNotContain(SluiceExtension.CLIENT_KEY);
        JsonNode client = JSON.readTree(body);
        JsonNode sent = JSON.readTree(up.body());
        if (kind.translated()) { // Ollama's /api/embed: model, input and dimensions, nothing else
            Set<String> expected = new TreeSet<>(Set.of("model", "input"));
            if (client.has("dimensions")) {
                expected.add("dimensions");
                assertThat(sent.path("dimensions")).isEqualTo(client.path("dimensions"));
            }
            assertThat(fieldNames(sent)).as(up.body()).isEqualTo(expected);
            assertThat(sent.path("model").asText()).isEqualTo(kind.upstreamModel());
            assertThat(sent.path("input")).isEqualTo(client.path("input"));
        } else { // as sent, the model replaced
            ObjectNode expected = ((ObjectNode) client.deepCopy()).put("model", kind.upstreamModel());
            assertThat(sent).as(up.body()).isEqualTo(expected);
        }
        return answer;
    }

    // ---- 1. each provider kind

    @Test
    void eachKindAnswersStringsArraysFloatBase64AndDimensionsWithTheSameVectorForTheSameText() throws Exception {
        Map<String, float[]> byKind = new LinkedHashMap<>();
        for (Kind kind : KINDS) {
            JsonNode single = sendAndCheckUpstream(kind, body(kind.route(), quoted(TEXT)));
            assertThat(single.path("data")).hasSize(1);
            JsonNode item = single.path("data").get(0);
            assertThat(item.path("object").asText()).isEqualTo("embedding");
            assertThat(item.path("index").asInt()).isZero();
            float[] vector = floats(item.path("embedding"));
            assertThat(vector).as(kind.route()).hasSize(8);
            double norm = 0;
            for (float f : vector) {
                norm += f * f;
            }
            assertThat(norm)
                    .as("unit vector, %s", kind.route())
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            byKind.put(kind.route(), vector);

            JsonNode many =
                    sendAndCheckUpstream(kind, body(kind.route(), "[" + quoted(TEXT) + ",\"and another one\"]"));
            assertThat(many.path("data")).hasSize(2);
            assertThat(many.path("data").get(0).path("index").asInt()).isZero();
            assertThat(many.path("data").get(1).path("index").asInt()).isEqualTo(1);
            assertThat(floats(many.path("data").get(0).path("embedding")))
                    .as(kind.route())
                    .containsExactly(vector);
            assertThat(floats(many.path("data").get(1).path("embedding")))
                    .as(kind.route())
                    .hasSize(8)
                    .isNotEqualTo(vector);

            JsonNode b64 =
                    sendAndCheckUpstream(kind, body(kind.route(), quoted(TEXT), "encoding_format", "\"base64\""));
            JsonNode encoded = b64.path("data").get(0).path("embedding");
            assertThat(encoded.isTextual())
                    .as("base64 as a string, %s: %s", kind.route(), b64)
                    .isTrue();
            assertThat(decode(encoded.asText()))
                    .as("base64 decoded, %s", kind.route())
                    .containsExactly(vector);

            JsonNode explicitFloat = sendAndCheckUpstream(
                    kind, body(kind.route(), quoted(TEXT), "encoding_format", "\"float\"", "user", "\"u-1\""));
            assertThat(floats(explicitFloat.path("data").get(0).path("embedding")))
                    .containsExactly(vector);

            JsonNode dims = sendAndCheckUpstream(kind, body(kind.route(), quoted(TEXT), "dimensions", "16"));
            assertThat(dims.path("data").get(0).path("embedding"))
                    .as(kind.route())
                    .hasSize(16);

            JsonNode dimsB64 = sendAndCheckUpstream(
                    kind, body(kind.route(), quoted(TEXT), "dimensions", "12", "encoding_format", "\"base64\""));
            assertThat(decode(dimsB64.path("data").get(0).path("embedding").asText()))
                    .as(kind.route())
                    .hasSize(12);
        }
        float[] reference = byKind.get("e-openai");
        byKind.forEach((route, v) ->
                assertThat(v).as("same text, same vector via %s", route).containsExactly(reference));
    }

    // ---- 2. token arrays

    @Test
    void tokenArraysPassToOpenAiKindsAndAreRefusedForOllamaWithoutAnUpstreamCall() throws Exception {
        JsonNode flat = sendAndCheckUpstream(KINDS.get(0), body("e-openai", "[101,2023,2003]"));
        assertThat(flat.path("data")).hasSize(1);
        JsonNode nested = sendAndCheckUpstream(KINDS.get(1), body("e-azure", "[[101,2023],[7,8,9]]"));
        assertThat(nested.path("data")).hasSize(2);
        assertThat(floats(nested.path("data").get(1).path("embedding"))).hasSize(8);

        for (String input : List.of("[101,2023,2003]", "[[101,2023],[7,8,9]]")) {
            int before = count();
            HttpResponse<String> r = embed(body("e-ollama", input));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertOpenAiError(r, "input");
            assertThat(since(before)).as("Ollama never called for %s", input).isEmpty();
        }
    }

    @Test
    void anArrayMixingTextAndTokenIdsIsRefusedBySluiceLikeEveryProviderWould() throws Exception {
        // OpenAI's input is one of: a string, strings, token ids, token-id arrays; never a mix of them.
        // EmbeddingsChecks says every provider behind Sluice refuses the same input the same way, so a
        // mix must be Sluice's own 400, not whatever each upstream makes of it.
        for (String route : List.of("e-openai", "e-ollama")) {
            for (String input : List.of("[\"text\",[101,2023]]", "[\"text\",42]", "[[1,2],\"text\"]")) {
                int before = count();
                HttpResponse<String> r = embed(body(route, input));
                assertThat(r.statusCode())
                        .as("%s %s: %s", route, input, r.body())
                        .isEqualTo(400);
                assertOpenAiError(r, "input");
                assertThat(since(before))
                        .as("%s: refused by Sluice, not sent upstream: %s", route, input)
                        .isEmpty();
            }
        }
    }

    // ---- 3. bad input

    static Stream<Arguments> badBodies() {
        String many = "[" + String.join(",", java.util.Collections.nCopies(2049, "\"x\"")) + "]";
        return Stream.of(
                Arguments.of("missing input", "{\"model\":\"e-openai\"}", "input"),
                Arguments.of("null input", "{\"model\":\"e-openai\",\"input\":null}", "input"),
                Arguments.of("empty string", body("e-openai", "\"\""), "input"),
                Arguments.of("empty array", body("e-openai", "[]"), "input"),
                Arguments.of("an empty string item", body("e-openai", "[\"a\",\"\"]"), "input"),
                Arguments.of("an empty token array", body("e-openai", "[[]]"), "input"),
                Arguments.of("a negative token", body("e-openai", "[1,-2]"), "input"),
                Arguments.of("2049 items", body("e-openai", many), "input"),
                Arguments.of("a nested object", body("e-openai", "{\"text\":\"x\"}"), "input"),
                Arguments.of("an object item", body("e-openai", "[{\"text\":\"x\"}]"), "input"),
                Arguments.of("a number", body("e-openai", "42"), "input"),
                Arguments.of("a boolean", body("e-openai", "true"), "input"),
                Arguments.of(
                        "encoding_format hex",
                        body("e-openai", "\"x\"", "encoding_format", "\"hex\""),
                        "encoding_format"),
                Arguments.of("encoding_format 1", body("e-openai", "\"x\"", "encoding_format", "1"), "encoding_format"),
                Arguments.of("dimensions 0", body("e-openai", "\"x\"", "dimensions", "0"), "dimensions"),
                Arguments.of("dimensions -3", body("e-openai", "\"x\"", "dimensions", "-3"), "dimensions"),
                Arguments.of("dimensions \"8\"", body("e-openai", "\"x\"", "dimensions", "\"8\""), "dimensions"),
                Arguments.of("dimensions 1.5", body("e-openai", "\"x\"", "dimensions", "1.5"), "dimensions"),
                Arguments.of("model missing", "{\"input\":\"x\"}", "model"),
                Arguments.of("model a number", "{\"model\":7,\"input\":\"x\"}", "model"),
                Arguments.of("body not JSON", "input=hello", null),
                Arguments.of("body cut short", "{\"model\":\"e-openai\",\"input\":\"x", null),
                Arguments.of("body a JSON array", "[{\"model\":\"e-openai\",\"input\":\"x\"}]", null),
                Arguments.of("body empty", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badInputIsA400InTheOpenAiShapeNamingTheFieldWithoutAnUpstreamCall(String name, String body, String field)
            throws Exception {
        for (String route : List.of("e-openai", "e-ollama")) {
            int before = count();
            HttpResponse<String> r = embed(body.replace("\"e-openai\"", "\"" + route + "\""));
            assertThat(r.statusCode())
                    .as("%s via %s: %s", name, route, r.body())
                    .isEqualTo(400);
            assertOpenAiError(r, field);
            assertThat(since(before))
                    .as("%s via %s never sent upstream", name, route)
                    .isEmpty();
        }
    }

    static void assertOpenAiError(HttpResponse<String> r, String field) throws Exception {
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.has("type"))
                .as("OpenAI shape, not Anthropic's: %s", r.body())
                .isFalse();
        assertThat(e.path("error").isObject()).as(r.body()).isTrue();
        assertThat(e.path("error").path("type").asText()).as(r.body()).isNotBlank();
        assertThat(e.path("error").path("message").asText()).as(r.body()).isNotBlank();
        if (field != null) {
            assertThat(e.path("error").path("message").asText()).as(r.body()).contains(field);
        }
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void dimensionsTheUpstreamRefusesAreItsOwn400PassedOnInTheOpenAiShape() throws Exception {
        // a positive integer passes Sluice's check; the fake (like OpenAI) refuses more than its model has
        for (String route : List.of("e-openai", "e-ollama")) {
            HttpResponse<String> r = embed(body(route, "\"x\"", "dimensions", "99999999999"));
            assertThat(r.statusCode()).as("%s: %s", route, r.body()).isEqualTo(400);
            assertOpenAiError(r, "dimensions");
        }
    }

    // ---- 4. routing

    @Test
    void aRouteWhoseFirstTargetIsAnthropicIsAnsweredByTheNextWithoutCallingAnthropic() throws Exception {
        int before = count();
        HttpResponse<String> r = embed(body("e-ant-first", quoted("routed past anthropic")));
        ok(r);
        assertThat(r.headers().firstValue("x-sluice-target")).contains("oai/text-embedding-3-small");
        assertThat(since(before)).extracting(RecordedRequest::path).containsExactly("/v1/embeddings");
        assertThat(JSON.readTree(since(before).get(0).body()).path("model").asText())
                .isEqualTo("text-embedding-3-small");
    }

    @Test
    void aRouteWithOnlyAnAnthropicTargetIsA404NamingTheTarget() throws Exception {
        int before = count();
        HttpResponse<String> r = embed(body("e-ant-only", quoted("nobody can embed me")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertOpenAiError(r, "ant/claude-embedder");
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText())
                .contains("embeddings");
        assertThat(since(before)).isEmpty();
        // and not counted against the target: the breaker never opens however often it is asked
        for (int i = 0; i < 12; i++) {
            assertThat(embed(body("e-ant-only", quoted("again " + i))).statusCode())
                    .isEqualTo(404);
        }
        JsonNode stats =
                JSON.readTree(Http.get(SLUICE.baseUri(), "/system/stats").body());
        assertThat(stats.path("routing")
                        .path("targets")
                        .path("ant/claude-embedder")
                        .path("breaker")
                        .asText("CLOSED"))
                .isEqualTo("CLOSED");
    }

    @Test
    void aFaultingFirstTargetFallsBackToOllamaBeforeTheFirstByte() throws Exception {
        for (String encoding : List.of("float", "base64")) {
            int before = count();
            HttpResponse<String> r =
                    embed(body("e-falls-back", quoted(TEXT + " fallback"), "encoding_format", quoted(encoding)));
            JsonNode answer = ok(r);
            assertThat(r.headers().firstValue("x-sluice-target")).contains("oll/nomic-embed-text");
            List<RecordedRequest> seen = since(before);
            assertThat(seen)
                    .extracting(RecordedRequest::path)
                    .as(encoding)
                    .containsExactly("/v1/embeddings", "/v1/embeddings", "/api/embed");
            assertThat(JSON.readTree(seen.get(2).body()).has("encoding_format")).isFalse();
            JsonNode embedding = answer.path("data").get(0).path("embedding");
            assertThat(encoding.equals("base64") ? embedding.isTextual() : embedding.isArray())
                    .as(r.body())
                    .isTrue();
        }
    }

    @Test
    void aBrokenUpstreamAnswerIsA502InTheOpenAiShapeNeverA200() throws Exception {
        for (String route : List.of("e-malformed", "e-oll-malformed")) {
            HttpResponse<String> r = embed(body(route, quoted("broken answer")));
            assertThat(r.statusCode()).as("%s: %s", route, r.body()).isEqualTo(502);
            assertOpenAiError(r, null);
        }
    }

    @Test
    void aClientLeavingWhileTheUpstreamHoldsItsAnswerCancelsTheUpstreamCall() throws Exception {
        for (String route : List.of("e-slow", "e-oll-slow")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> FAKE.provider().activeExchanges() == 0);
            long started = FAKE.provider().exchangesStarted();
            long aborted = FAKE.provider().exchangesAborted();
            byte[] b = body(route, quoted("i will not wait")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String head = "POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + SluiceExtension.CLIENT_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\n\r\n";
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(
                        new java.net.InetSocketAddress(
                                "127.0.0.1", SLUICE.baseUri().getPort()),
                        5000);
                socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> FAKE.provider().exchangesStarted() - started == 1
                                && FAKE.provider().activeExchanges() == 1);
                assertThat(SLUICE.sluice().inFlight()).isEqualTo(1);
            } // the client leaves (FIN)
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(FAKE.provider().exchangesAborted() - aborted)
                        .as("%s upstream aborted", route)
                        .isEqualTo(1);
                assertThat(FAKE.provider().activeExchanges()).isZero();
                assertThat(SLUICE.sluice().inFlight()).isZero();
                assertThat(SLUICE.sluice().liveScopes()).isZero();
            });
        }
    }

    @Test
    void aStoredKeysModelListAndRequestRateApplyToEmbeddings() throws Exception {
        HttpResponse<String> created = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"embed-only\",\"models\":[\"e-ollama\"]}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String k = JSON.readTree(created.body()).path("key").asText();

        int before = count();
        HttpResponse<String> other = embedAs(k, body("e-openai", quoted("not my model")));
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertOpenAiError(other, null);
        assertThat(since(before)).isEmpty();
        assertThat(embedAs(k, body("e-ollama", quoted("my model"))).statusCode())
                .isEqualTo(200);

        HttpResponse<String> limited = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"embed-rpm\",\"requests_per_minute\":3}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        String rk = JSON.readTree(limited.body()).path("key").asText();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r =
                    embedAs(rk, body(i % 2 == 0 ? "e-ollama" : "e-azure", quoted("rate limited " + i)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        int beforeLimited = count();
        HttpResponse<String> fourth = embedAs(rk, body("e-ollama", quoted("rate limited 3")));
        assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
        assertOpenAiError(fourth, null);
        assertThat(Long.parseLong(fourth.headers().firstValue("retry-after").orElseThrow()))
                .isPositive();
        assertThat(since(beforeLimited)).isEmpty();
    }

    // ---- 5. cache

    static String key(String tenant, String name) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"" + name + "\",\"tenant\":\"" + tenant + "\"}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("key").asText() + "\n"
                + JSON.readTree(r.body()).path("id").asText();
    }

    @Test
    void anIdenticalRequestIsACacheHitWithoutTemperatureScopedToInputAndTenant() throws Exception {
        String a = key("emb-tenant-a", "a").split("\n")[0];
        String b = key("emb-tenant-b", "b").split("\n")[0];
        String req = body("e-openai", quoted("cache this embedding"), "encoding_format", "\"base64\"");

        int before = count();
        HttpResponse<String> first = embedAs(a, req);
        HttpResponse<String> second = embedAs(a, req);
        ok(first);
        ok(second);
        assertThat(first.headers().firstValue("x-sluice-cache")).contains("miss");
        assertThat(second.headers().firstValue("x-sluice-cache")).contains("hit");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(since(before)).hasSize(1);

        HttpResponse<String> otherInput =
                embedAs(a, body("e-openai", quoted("cache this other embedding"), "encoding_format", "\"base64\""));
        assertThat(otherInput.headers().firstValue("x-sluice-cache")).contains("miss");
        HttpResponse<String> otherFormat = embedAs(a, body("e-openai", quoted("cache this embedding")));
        assertThat(otherFormat.headers().firstValue("x-sluice-cache"))
                .as("float is another answer")
                .contains("miss");
        HttpResponse<String> otherTenant = embedAs(b, req);
        assertThat(otherTenant.headers().firstValue("x-sluice-cache")).contains("miss");
        assertThat(since(before)).hasSize(4);

        // Ollama's translated answer is cached too
        String ollama = body("e-ollama", quoted("cache this on ollama"));
        assertThat(embedAs(a, ollama).headers().firstValue("x-sluice-cache")).contains("miss");
        HttpResponse<String> hit = embedAs(a, ollama);
        assertThat(hit.headers().firstValue("x-sluice-cache")).contains("hit");
        ok(hit);
    }

    @Test
    void fiftyConcurrentIdenticalRequestsAllGetTheSameAnswerWhetherCachedOrNot() throws Exception {
        String k = key("emb-tenant-c", "c").split("\n")[0];
        String req = body("e-ollama", "[\"together\",\"" + TEXT + "\"]", "encoding_format", "\"base64\"");
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build();
        try {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(client.sendAsync(
                        java.net.http.HttpRequest.newBuilder(SLUICE.baseUri().resolve("/v1/embeddings"))
                                .timeout(Duration.ofSeconds(20))
                                .headers("authorization", "Bearer " + k, "content-type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(req))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Set<String> bodies = new TreeSet<>();
            for (var call : calls) {
                HttpResponse<String> r = call.get(30, java.util.concurrent.TimeUnit.SECONDS);
                ok(r);
                bodies.add(r.body());
            }
            assertThat(bodies).as("one answer for one request").hasSize(1);
            assertThat(embedAs(k, req).headers().firstValue("x-sluice-cache")).contains("hit");
            JsonNode answer = JSON.readTree(bodies.iterator().next());
            assertThat(decode(answer.path("data").get(1).path("embedding").asText()))
                    .as("the cached base64 vector is the text's vector")
                    .hasSize(8);
        } finally {
            client.shutdownNow();
            client.awaitTermination(Duration.ofSeconds(5));
        }
    }

    @Test
    void failedEmbeddingsAreNeverCached() throws Exception {
        String a = key("emb-tenant-f", "f").split("\n")[0];
        String req = body("e-ant-only", quoted("never cached"));
        assertThat(embedAs(a, req).statusCode()).isEqualTo(404);
        HttpResponse<String> again = embedAs(a, req);
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(again.headers().firstValue("x-sluice-cache").orElse("miss")).isNotEqualTo("hit");
    }

    // ---- 6. metrics and usage

    static double requestCount(String model, String status) throws Exception {
        var families = StrictPrometheusParser.parse(
                Http.get(SLUICE.baseUri(), "/metrics").body());
        var family = families.get("sluice_request_duration_seconds");
        if (family == null) {
            return 0;
        }
        return family.samples().stream()
                .filter(s -> s.name().equals("sluice_request_duration_seconds_count"))
                .filter(s -> model.equals(s.labels().get("model"))
                        && "openai".equals(s.labels().get("dialect"))
                        && status.equals(s.labels().get("status")))
                .mapToDouble(StrictPrometheusParser.Sample::value)
                .sum();
    }

    static double inputTokens(String model) throws Exception {
        var families = StrictPrometheusParser.parse(
                Http.get(SLUICE.baseUri(), "/metrics").body());
        var family = families.get("sluice_tokens_total");
        return family == null
                ? 0
                : family.samples().stream()
                        .filter(s -> model.equals(s.labels().get("model"))
                                && "input".equals(s.labels().get("kind")))
                        .mapToDouble(StrictPrometheusParser.Sample::value)
                        .sum();
    }

    @Test
    void embeddingsAreCountedInTheRequestMetricsAndRecordedAsUsageForTheKey() throws Exception {
        String[] created = key("emb-metered", "metered").split("\n");
        String k = created[0];
        String id = created[1];
        double before = requestCount("e-databricks", "2xx");
        double tokensBefore = inputTokens("e-databricks");

        long promptTokens = 0;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = embedAs(k, body("e-databricks", "[\"metered input " + i + "\",\"and more\"]"));
            promptTokens += ok(r).path("usage").path("prompt_tokens").asLong();
        }
        assertThat(embedAs(k, body("e-databricks", "\"\"")).statusCode()).isEqualTo(400);
        long expected = promptTokens;

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(requestCount("e-databricks", "2xx") - before).isEqualTo(3);
            assertThat(inputTokens("e-databricks") - tokensBefore).isEqualTo(expected);
            HttpResponse<String> u =
                    Http.get(SLUICE.baseUri(), "/admin/usage?key=" + id, "authorization", "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode json = JSON.readTree(u.body());
            JsonNode totals = json.path("totals");
            assertThat(totals.path("requests").asLong())
                    .as("3 answered, 1 refused: %s", u.body())
                    .isEqualTo(4);
            assertThat(totals.path("errors").asLong()).as(u.body()).isEqualTo(1);
            assertThat(totals.path("input_tokens").asLong()).as(u.body()).isEqualTo(expected);
            assertThat(totals.path("output_tokens").asLong()).as(u.body()).isZero();
            JsonNode byModel = null;
            for (JsonNode m : json.path("by_model")) {
                if (m.path("model").asText().equals("e-databricks")) {
                    byModel = m;
                }
            }
            assertThat(byModel).as(u.body()).isNotNull();
            assertThat(byModel.path("requests").asLong()).isEqualTo(3);
            assertThat(byModel.path("errors").asLong()).isZero();
            assertThat(byModel.path("input_tokens").asLong()).isEqualTo(expected);
        });
    }

    @Test
    void anEmbeddingsRequestIsPricedByItsPromptTokensAtTheModelsInputPrice() throws Exception {
        String[] created = key("emb-priced", "priced").split("\n");
        String k = created[0];
        String id = created[1];
        long promptTokens = 0;
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = embedAs(k, body("e-azure", "[\"priced input " + i + "\",\"" + TEXT + "\"]"));
            promptTokens += ok(r).path("usage").path("prompt_tokens").asLong();
        }
        assertThat(promptTokens).isPositive();
        long tokens = promptTokens;
        long expectedMicros = tokens * EMBED_PRICE;

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> u =
                    Http.get(SLUICE.baseUri(), "/admin/usage?key=" + id, "authorization", "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode totals = JSON.readTree(u.body()).path("totals");
            assertThat(totals.path("requests").asLong()).as(u.body()).isEqualTo(2);
            assertThat(totals.path("cost_micros").asLong())
                    .as("%d prompt tokens at %d USD per million: %s", tokens, EMBED_PRICE, u.body())
                    .isEqualTo(expectedMicros);
        });
    }

    // ---- 7. hostile: a storm against a small admission limit

    @Test
    void twoHundredConcurrentEmbeddingsAreEachAnsweredOrCleanlyShedAndNothingLeaks() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        try {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String route = i % 2 == 0 ? "e-openai" : "e-ollama";
                String format = i % 3 == 0 ? ",\"encoding_format\":\"base64\"" : "";
                String b =
                        "{\"model\":\"" + route + "\",\"input\":[\"storm " + i + "\",\"" + TEXT + "\"]" + format + "}";
                calls.add(client.sendAsync(
                        java.net.http.HttpRequest.newBuilder(SMALL.baseUri().resolve("/v1/embeddings"))
                                .timeout(Duration.ofSeconds(30))
                                .headers(openAiHeaders())
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(b))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int answered = 0;
            int shed = 0;
            for (var call : calls) {
                HttpResponse<String> r = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (r.statusCode() == 200) {
                    JsonNode json = JSON.readTree(r.body());
                    assertThat(json.path("data")).as(r.body()).hasSize(2);
                    JsonNode second = json.path("data").get(1).path("embedding");
                    assertThat(second.isTextual() ? decode(second.asText()) : floats(second))
                            .hasSize(8);
                    answered++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                    JsonNode e = JSON.readTree(r.body());
                    assertThat(e.has("type")).as("OpenAI shape: %s", r.body()).isFalse();
                    assertThat(e.path("error").path("message").asText())
                            .as(r.body())
                            .contains("overloaded");
                    assertThat(e.path("error").path("type").asText())
                            .as(r.body())
                            .isNotBlank();
                    assertThat(r.headers().firstValue("retry-after"))
                            .as("retry-after on a shed")
                            .isPresent();
                    shed++;
                }
            }
            assertThat(answered + shed).isEqualTo(200);
            assertThat(answered).as("some were answered").isGreaterThanOrEqualTo(4);
            assertThat(shed).as("4 + 4 waiting cannot hold 200 at 40 ms each").isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> SMALL.sluice().inFlight() == 0);
            HttpResponse<String> after =
                    Http.post(SMALL.baseUri(), "/v1/embeddings", body("e-ollama", quoted(TEXT)), openAiHeaders());
            assertThat(after.statusCode())
                    .as("served again after the storm: %s", after.body())
                    .isEqualTo(200);
        } finally {
            client.shutdownNow();
            client.awaitTermination(Duration.ofSeconds(5));
        }
    }
}
