package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stored responses as clients use them and abuse them: previous_response_id continues a conversation
 * (whole and streamed turns), GET and DELETE /v1/responses/{id}, per tenant; store:false, responses.store
 * off, ids that do not exist; usage recorded with tokens; responses.omit-unsupported-tools.
 */
@LeakChecked
class StoredResponsesThroughSluiceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret-responses";

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(5));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE, "auth.mode", "keys", "auth.admin-key", ADMIN, "usage.flush-interval", "100ms");

    /** The same, with stored responses off and tools other than functions left out. */
    @RegisterExtension
    @Order(3)
    static final SluiceExtension NO_STORE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            SluiceExtension.CLIENT_KEY,
            "responses.store",
            "false",
            "responses.omit-unsupported-tools",
            "true");

    /** Stored responses on, and at most 4 messages per request. */
    @RegisterExtension
    @Order(4)
    static final SluiceExtension FEW_MESSAGES =
            SluiceExtension.against(FAKE, "auth.api-keys", SluiceExtension.CLIENT_KEY, "request.max-messages", "4");

    /** Stored responses and the response cache on. */
    @RegisterExtension
    @Order(5)
    static final SluiceExtension CACHED =
            SluiceExtension.against(FAKE, "auth.api-keys", SluiceExtension.CLIENT_KEY, "cache.enabled", "true");

    static JsonNode createKey(String tenant) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                "{\"name\":\"r\",\"tenant\":\"" + tenant + "\"}",
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    static String key(String tenant) throws Exception {
        return createKey(tenant).path("key").asText();
    }

    static String[] headers(String key) {
        return new String[] {"authorization", "Bearer " + key, "content-type", "application/json"};
    }

    static HttpResponse<String> ask(String key, String body) throws Exception {
        return Http.post(SLUICE.baseUri(), "/v1/responses", body, headers(key));
    }

    static String turn(String text, boolean stream, String previous, String extra) {
        return "{\"model\":\"fake-model\",\"stream\":" + stream + ",\"input\":\"" + text + "\""
                + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + extra + "}";
    }

    /** The final response of a whole or streamed answer. */
    static JsonNode response(HttpResponse<String> r, boolean stream) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (!stream) {
            return JSON.readTree(r.body());
        }
        ResponsesEvents ev = ResponsesEvents.parse(r.body());
        assertThat(ev.last().name()).isEqualTo("response.completed");
        return ev.last().data().path("response");
    }

    static JsonNode lastSent() throws Exception {
        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        return JSON.readTree(seen.get(seen.size() - 1).body());
    }

    @Test
    void previousResponseIdContinuesTheConversationWholeAndStreamed() throws Exception {
        String key = key("acme");
        JsonNode first = response(ask(key, turn("first question", false, null, "")), false);
        String firstText = ResponsesEvents.outputText(first);
        assertThat(firstText).isNotBlank();

        JsonNode second =
                response(ask(key, turn("second question", true, first.path("id").asText(), "")), true);
        JsonNode messages = lastSent().path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).toString()).contains("first question");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).toString()).contains(firstText);
        assertThat(messages.get(2).toString()).contains("second question");
        assertThat(lastSent().has("previous_response_id")).isFalse();

        // the streamed turn was stored too: a third turn continues from it with the whole conversation
        response(ask(key, turn("third question", false, second.path("id").asText(), "")), false);
        messages = lastSent().path("messages");
        assertThat(messages).hasSize(5);
        assertThat(messages.get(3).toString()).contains(ResponsesEvents.outputText(second));
        assertThat(messages.get(4).toString()).contains("third question");

        // as the OpenAI API does, the continuing response names the one it continues
        assertThat(second.path("previous_response_id").asText())
                .isEqualTo(first.path("id").asText());
    }

    @Test
    void aToolCallIsAnsweredByIdWithOnlyTheFunctionCallOutputStreamedAndStoredAsStreamed() throws Exception {
        String key = key("agent");
        String tools = ",\"tools\":[{\"type\":\"function\",\"name\":\"get_time\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"zone\":{\"type\":\"string\"}}}}]";
        for (boolean stream : new boolean[] {false, true}) {
            JsonNode first = response(ask(key, turn("what time is it?", stream, null, tools)), stream);
            JsonNode call = first.path("output").get(0);
            assertThat(call.path("type").asText()).as(first.toString()).isEqualTo("function_call");
            HttpResponse<String> stored = Http.get(
                    SLUICE.baseUri(), "/v1/responses/" + first.path("id").asText(), headers(key));
            assertThat(JSON.readTree(stored.body()))
                    .as("GET gives the response as the client got it")
                    .isEqualTo(first);

            String output = "{\"model\":\"fake-model\",\"stream\":" + stream + ",\"previous_response_id\":\""
                    + first.path("id").asText() + "\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\""
                    + call.path("call_id").asText() + "\",\"output\":\"noon in Oslo\"}]" + tools + "}";
            JsonNode answer = response(ask(key, output), stream);
            assertThat(ResponsesEvents.outputText(answer)).contains("noon in Oslo");
            JsonNode messages = lastSent().path("messages");
            assertThat(messages).hasSize(3);
            assertThat(messages.get(1).path("content").get(0).path("id").asText())
                    .isEqualTo(call.path("call_id").asText());
            assertThat(messages.get(2)
                            .path("content")
                            .get(0)
                            .path("tool_use_id")
                            .asText())
                    .isEqualTo(call.path("call_id").asText());
        }
    }

    @Test
    void aStoredResponseIsReadDeletedAndThenGone() throws Exception {
        String key = key("getter");
        JsonNode answer = response(ask(key, turn("keep me", false, null, "")), false);
        String id = answer.path("id").asText();

        HttpResponse<String> got = Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(key));
        assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
        assertThat(JSON.readTree(got.body())).isEqualTo(answer);

        HttpResponse<String> deleted = Http.delete(SLUICE.baseUri(), "/v1/responses/" + id, headers(key));
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body()).path("deleted").asBoolean()).isTrue();
        assertThat(JSON.readTree(deleted.body()).path("id").asText()).isEqualTo(id);

        assertNotFound(Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(key)), id);
        assertNotFound(Http.delete(SLUICE.baseUri(), "/v1/responses/" + id, headers(key)), id);
        assertNotFound(ask(key, turn("after delete", false, id, "")), id);
    }

    @Test
    void anotherTenantCannotReadDeleteOrContinueAResponse() throws Exception {
        String alice = key("alice");
        String mallory = key("mallory");
        String id = response(ask(alice, turn("alice's secret", false, null, "")), false)
                .path("id")
                .asText();
        int before = FAKE.provider().recentRequests().size();

        assertNotFound(Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(mallory)), id);
        assertNotFound(Http.delete(SLUICE.baseUri(), "/v1/responses/" + id, headers(mallory)), id);
        assertNotFound(ask(mallory, turn("tell me", false, id, "")), id);
        assertNotFound(ask(mallory, turn("tell me", true, id, "")), id);
        assertThat(FAKE.provider().recentRequests()).hasSize(before); // nothing of alice's went upstream for mallory

        assertThat(Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(alice))
                        .statusCode())
                .isEqualTo(200);
        assertThat(ask(alice, turn("go on", false, id, "")).statusCode()).isEqualTo(200);
    }

    @Test
    void storeFalseAndAFailedStreamAreNotStored() throws Exception {
        String key = key("no-store");
        for (boolean stream : new boolean[] {false, true}) {
            String id = response(ask(key, turn("forget me", stream, null, ",\"store\":false")), stream)
                    .path("id")
                    .asText();
            assertNotFound(Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(key)), id);
            assertNotFound(ask(key, turn("again", false, id, "")), id);
        }
        HttpResponse<String> broken = ask(key, "{\"model\":\"fault-stream-error\",\"stream\":true,\"input\":\"x\"}");
        ResponsesEvents ev = ResponsesEvents.parse(broken.body());
        assertThat(ev.last().name()).isEqualTo("response.failed");
        String id = ev.events().get(0).data().path("response").path("id").asText();
        assertNotFound(Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(key)), id);
    }

    @Test
    void idsThatDoNotExistOrAreHostileAre404InTheOpenAiDialect() throws Exception {
        String key = key("prober");
        for (String id : List.of("resp_nope", "resp_%27%20OR%201%3D1--", "..%2F..%2Fadmin", "x".repeat(2000))) {
            HttpResponse<String> get = Http.get(SLUICE.baseUri(), "/v1/responses/" + id, headers(key));
            assertThat(get.statusCode()).as(id).isEqualTo(404);
            assertThat(JSON.readTree(get.body()).path("error").path("message").asText())
                    .isNotBlank();
        }
        assertNotFound(ask(key, turn("hello", false, "resp_nope", "")), "resp_nope");
        assertNotFound(ask(key, turn("hello", true, "resp_nope", "")), "resp_nope");
        HttpResponse<String> notAString =
                ask(key, "{\"model\":\"fake-model\",\"input\":\"hi\",\"previous_response_id\":42}");
        assertThat(notAString.statusCode()).as(notAString.body()).isEqualTo(400);
        assertThat(JSON.readTree(notAString.body())
                        .path("error")
                        .path("message")
                        .asText())
                .contains("previous_response_id");
        assertThat(Http.get(SLUICE.baseUri(), "/v1/responses/resp_nope").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aResponsesRequestWritesAUsageRecordWithItsTokens() throws Exception {
        JsonNode created = createKey("metered");
        String key = created.path("key").asText();
        response(ask(key, turn("count", false, null, "")), false);
        response(ask(key, turn("count", true, null, "")), true);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> u = Http.get(
                    SLUICE.baseUri(),
                    "/admin/usage?key=" + created.path("id").asText(),
                    "authorization",
                    "Bearer " + ADMIN);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
            JsonNode totals = JSON.readTree(u.body()).path("totals");
            assertThat(totals.path("requests").asLong()).isEqualTo(2);
            assertThat(totals.path("output_tokens").asLong()).isEqualTo(2 * 5);
            assertThat(totals.path("input_tokens").asLong()).isPositive();
        });
    }

    @Test
    void withResponsesStoreOffNothingIsKeptAndPreviousIdsAre404SayingSo() throws Exception {
        String[] h = Http.openAiHeaders();
        HttpResponse<String> r = Http.post(NO_STORE.baseUri(), "/v1/responses", turn("hi", false, null, ""), h);
        String id = response(r, false).path("id").asText();

        HttpResponse<String> get = Http.get(NO_STORE.baseUri(), "/v1/responses/" + id, h);
        assertNotFound(get, id);
        assertThat(get.body()).contains("responses.store");
        HttpResponse<String> next = Http.post(NO_STORE.baseUri(), "/v1/responses", turn("more", false, id, ""), h);
        assertNotFound(next, id);
        assertThat(next.body()).contains("responses.store");
    }

    @Test
    void withOmitUnsupportedToolsAWebSearchToolIsLeftOut() throws Exception {
        String body = "{\"model\":\"fake-model\",\"input\":\"search and tell\",\"tools\":[{\"type\":\"web_search\"},"
                + "{\"type\":\"function\",\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}]}";
        HttpResponse<String> r = Http.post(NO_STORE.baseUri(), "/v1/responses", body, Http.openAiHeaders());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode tools = lastSent().path("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).path("name").asText()).isEqualTo("lookup");
        assertThat(lastSent().toString()).doesNotContain("web_search");

        HttpResponse<String> refused = ask(key("strict"), body); // the other Sluice, without the setting
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("web_search");
    }

    @Test
    void aConversationContinuedByIdIsStillBoundByTheRequestLimits() throws Exception {
        String previous = null;
        for (int turn = 1; turn <= 2; turn++) { // 1, then 3 messages upstream
            HttpResponse<String> r = Http.post(
                    FEW_MESSAGES.baseUri(),
                    "/v1/responses",
                    turn("turn " + turn, false, previous, ""),
                    Http.openAiHeaders());
            previous = response(r, false).path("id").asText();
        }
        int before = FAKE.provider().recentRequests().size();
        HttpResponse<String> third = Http.post(
                FEW_MESSAGES.baseUri(),
                "/v1/responses",
                turn("turn 3", false, previous, ""),
                Http.openAiHeaders()); // would be 5 messages: above request.max-messages
        assertThat(FAKE.provider().recentRequests().size() - before)
                .as(
                        "upstream requests; the last had %s messages",
                        lastSent().path("messages").size())
                .isZero();
        assertThat(third.statusCode()).as(third.body()).isEqualTo(400);
        assertThat(third.body()).contains("request.max-messages");
    }

    @Test
    void aResponseAnsweredFromTheCacheCanBeContinuedEvenAfterTheFirstWasDeleted() throws Exception {
        String[] h = Http.openAiHeaders();
        String ask = "{\"model\":\"fake-model\",\"temperature\":0,\"input\":\"cache and store me\"}";
        HttpResponse<String> first = Http.post(CACHED.baseUri(), "/v1/responses", ask, h);
        String firstId = response(first, false).path("id").asText();
        assertThat(Http.delete(CACHED.baseUri(), "/v1/responses/" + firstId, h).statusCode())
                .isEqualTo(200);

        HttpResponse<String> again = Http.post(CACHED.baseUri(), "/v1/responses", ask, h);
        JsonNode answer = response(again, false);
        assertThat(answer.path("store").asBoolean()).isTrue();
        String id = answer.path("id").asText();
        HttpResponse<String> next = Http.post(CACHED.baseUri(), "/v1/responses", turn("go on", false, id, ""), h);
        assertThat(next.statusCode())
                .as(
                        "cache %s; continuing the id %s of a stored response just received: %s",
                        again.headers().firstValue("x-sluice-cache").orElse("-"), id, next.body())
                .isEqualTo(200);
    }

    @Test
    void anUnstoredDeterministicResponsesRequestSentTwiceIsAnsweredFromTheCacheWithOneUpstreamCall() throws Exception {
        String[] h = Http.openAiHeaders();
        String ask = "{\"model\":\"fake-model\",\"store\":false,\"temperature\":0,"
                + "\"input\":\"cache me, do not store me\"}";
        long before = FAKE.provider().exchangesStarted();

        HttpResponse<String> first = Http.post(CACHED.baseUri(), "/v1/responses", ask, h);
        HttpResponse<String> second = Http.post(CACHED.baseUri(), "/v1/responses", ask, h);

        JsonNode a = response(first, false);
        JsonNode b = response(second, false);
        assertThat(first.headers().firstValue("x-sluice-cache")).contains("miss");
        assertThat(second.headers().firstValue("x-sluice-cache")).contains("hit");
        assertThat(ResponsesEvents.outputText(a)).isNotBlank();
        assertThat(ResponsesEvents.outputText(b)).isEqualTo(ResponsesEvents.outputText(a));
        assertThat(b.path("store").asBoolean(true)).isFalse();
        assertThat(FAKE.provider().exchangesStarted() - before)
                .as("the second answer came from the cache")
                .isEqualTo(1);
        assertThat(FAKE.provider().recentRequests().stream()
                        .filter(q -> q.body().contains("cache me, do not store me"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aStoredKeysModelListAndRequestRateApplyToResponses() throws Exception {
        String only = storedKey("{\"name\":\"responses-only\",\"models\":[\"fake-model\"]}");
        long before = FAKE.provider().exchangesStarted();
        HttpResponse<String> other = ask(only, "{\"model\":\"other-model\",\"input\":\"not my model\"}");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertOpenAiError(other);
        assertThat(FAKE.provider().exchangesStarted() - before)
                .as("refused before any upstream call")
                .isZero();
        assertThat(ask(only, turn("my model", false, null, "")).statusCode()).isEqualTo(200);

        String limited = storedKey("{\"name\":\"responses-rpm\",\"requests_per_minute\":3}");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = ask(limited, turn("rate limited " + i, i == 1, null, ""));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        long beforeLimited = FAKE.provider().exchangesStarted();
        HttpResponse<String> fourth = ask(limited, turn("rate limited 3", false, null, ""));
        assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
        assertOpenAiError(fourth);
        assertThat(Long.parseLong(fourth.headers().firstValue("retry-after").orElseThrow()))
                .isPositive();
        assertThat(FAKE.provider().exchangesStarted() - beforeLimited).isZero();
    }

    private static String storedKey(String body) throws Exception {
        HttpResponse<String> r = Http.post(
                SLUICE.baseUri(),
                "/admin/keys",
                body,
                "authorization",
                "Bearer " + ADMIN,
                "content-type",
                "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("key").asText();
    }

    private static void assertOpenAiError(HttpResponse<String> r) throws Exception {
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.has("type"))
                .as("OpenAI shape, not Anthropic's: %s", r.body())
                .isFalse();
        assertThat(e.path("error").isObject()).as(r.body()).isTrue();
        assertThat(e.path("error").path("type").asText()).as(r.body()).isNotBlank();
        assertThat(e.path("error").path("message").asText()).as(r.body()).isNotBlank();
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    }

    private static void assertNotFound(HttpResponse<String> r, String id) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        JsonNode e = JSON.readTree(r.body());
        assertThat(e.has("type")).isFalse();
        assertThat(e.path("error").path("message").asText()).as(r.body()).contains(id.length() > 100 ? "" : id);
    }
}
