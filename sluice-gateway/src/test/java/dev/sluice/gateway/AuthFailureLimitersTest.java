package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Wrong admin keys and wrong client keys are counted by two independent per-address limiters: an admin
 * brute force blocks only the admin API, wrong client keys block only client routes, and open mode never
 * blocks client routes. Each test calls from its own loopback address (127.0.0.N), so their counts do not mix.
 */
@LeakChecked
class AuthFailureLimitersTest {

    static final String ADMIN = "admin-secret-for-limiter-tests";
    static final int WRONG = 21; // one over the default auth.failure-limit of 20

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension KEYS = SluiceExtension.against(
            FAKE, "auth.mode", "keys", "auth.api-keys", SluiceExtension.CLIENT_KEY, "auth.admin-key", ADMIN);

    @RegisterExtension
    @Order(3)
    static final SluiceExtension OPEN = SluiceExtension.against(FAKE, "auth.mode", "open", "auth.admin-key", ADMIN);

    @Test
    void wrongAdminKeysBlockTheAdminApiEvenForTheRightKeyButNeverAClientWithAValidKey() throws Exception {
        try (HttpClient from = client("127.0.0.11")) {
            int last = 0;
            for (int i = 0; i < WRONG; i++) {
                last = admin(from, KEYS.baseUri(), "wrong-admin-" + i).statusCode();
            }
            assertThat(last).isEqualTo(429);
            assertThat(admin(from, KEYS.baseUri(), ADMIN).statusCode()).isEqualTo(429); // the brute force stays blocked

            HttpResponse<String> anthropic = send(
                    from,
                    KEYS.baseUri(),
                    "/v1/messages",
                    Http.messageBody("fake-model", false),
                    Http.anthropicHeaders());
            assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(200);
            HttpResponse<String> openAi = send(
                    from,
                    KEYS.baseUri(),
                    "/v1/chat/completions",
                    Http.chatBody("fake-model", false),
                    Http.openAiHeaders());
            assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(200);
        }
    }

    @Test
    void inOpenModeNeitherWrongAdminKeysNorUnknownClientKeysEverBlockClients() throws Exception {
        try (HttpClient from = client("127.0.0.12")) {
            for (int i = 0; i < WRONG; i++) {
                admin(from, OPEN.baseUri(), "wrong-admin-" + i);
            }
            assertThat(admin(from, OPEN.baseUri(), "wrong-admin").statusCode()).isEqualTo(429);
            for (int i = 0; i < WRONG; i++) {
                HttpResponse<String> r = send(
                        from,
                        OPEN.baseUri(),
                        "/v1/messages",
                        Http.messageBody("fake-model", false),
                        "x-api-key",
                        "sk-sluice-unknown-" + i,
                        "anthropic-version",
                        "2023-06-01",
                        "content-type",
                        "application/json");
                assertThat(r.statusCode()).as("request %d: %s", i, r.body()).isEqualTo(200);
            }
            HttpResponse<String> anyKey = send(
                    from,
                    OPEN.baseUri(),
                    "/v1/messages",
                    Http.messageBody("fake-model", false),
                    "x-api-key",
                    "anything",
                    "anthropic-version",
                    "2023-06-01",
                    "content-type",
                    "application/json");
            assertThat(anyKey.statusCode()).as(anyKey.body()).isEqualTo(200);
        }
    }

    @Test
    void wrongClientKeysAreStillLimitedButDoNotBlockTheRightAdminKey() throws Exception {
        try (HttpClient from = client("127.0.0.13")) {
            int last = 0;
            for (int i = 0; i < WRONG; i++) {
                last = send(
                                from,
                                KEYS.baseUri(),
                                "/v1/messages",
                                Http.messageBody("fake-model", false),
                                "x-api-key",
                                "wrong-client-" + i,
                                "anthropic-version",
                                "2023-06-01",
                                "content-type",
                                "application/json")
                        .statusCode();
            }
            assertThat(last).isEqualTo(429);
            assertThat(send(
                                    from,
                                    KEYS.baseUri(),
                                    "/v1/messages",
                                    Http.messageBody("fake-model", false),
                                    Http.anthropicHeaders())
                            .statusCode())
                    .isEqualTo(429);
            assertThat(admin(from, KEYS.baseUri(), ADMIN).statusCode()).isEqualTo(200);
        }
    }

    private static HttpClient client(String localAddress) throws Exception {
        return HttpClient.newBuilder()
                .localAddress(InetAddress.getByName(localAddress))
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static HttpResponse<String> admin(HttpClient from, URI base, String key) throws Exception {
        return from.send(
                HttpRequest.newBuilder(base.resolve("/admin/keys"))
                        .timeout(Duration.ofSeconds(20))
                        .header("authorization", "Bearer " + key)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpClient from, URI base, String path, String body, String... headers)
            throws Exception {
        return from.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(20))
                        .headers(headers)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
