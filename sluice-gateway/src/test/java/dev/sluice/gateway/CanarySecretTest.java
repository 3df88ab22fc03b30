package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.gateway.config.load.ConfigLoader;
import dev.sluice.gateway.logging.JsonLogFormatter;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Canary secrets (a provider key, a client key, the admin key) never appear in logs (text or JSON),
 * error bodies, metrics, the system API, usage records or the described config, across successful,
 * failing and refused requests.
 */
@LeakChecked
class CanarySecretTest {

    static final String PROVIDER = "sk-canary-provider-7f3a9";
    static final String CLIENT = "sk-canary-client-51d2e";
    static final String ADMIN = "canary-admin-0c8b4";
    static final List<String> LOGGED = new ArrayList<>();
    static final Handler CAPTURE = new Handler() {
        final SimpleFormatter text = new SimpleFormatter();
        final JsonLogFormatter json = new JsonLogFormatter();

        @Override
        public void publish(LogRecord r) {
            synchronized (LOGGED) {
                LOGGED.add(text.format(r));
                LOGGED.add(json.format(r));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.api-keys",
            CLIENT,
            "auth.admin-key",
            ADMIN,
            "providers.p.kind",
            "openai",
            "providers.p.url",
            "{fake}/v1",
            "providers.p.api-keys",
            PROVIDER,
            "routes.m.targets",
            "p:fake-model",
            "routes.bad.targets",
            "p:fault-server-error",
            "routes.limited.targets",
            "p:fault-rate-limit");

    @BeforeAll
    static void capture() {
        CAPTURE.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void release() {
        Logger.getLogger("").removeHandler(CAPTURE);
    }

    @Test
    void noSecretLeavesThroughAnyPath() throws Exception {
        List<String> seen = new ArrayList<>();
        String[] headers = {"x-api-key", CLIENT, "anthropic-version", "2023-06-01", "content-type", "application/json"};
        for (String model : List.of("m", "bad", "limited", "unknown-model")) {
            for (boolean stream : new boolean[] {false, true}) {
                seen.add(Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody(model, stream), headers)
                        .body());
            }
        }
        seen.add(Http.post(SLUICE.baseUri(), "/v1/messages", "{bad json", headers)
                .body());
        seen.add(Http.post(
                        SLUICE.baseUri(),
                        "/v1/messages",
                        Http.messageBody("m", false),
                        "x-api-key",
                        CLIENT + "-wrong",
                        "content-type",
                        "application/json")
                .body());
        seen.add(Http.post(SLUICE.baseUri(), "/system/gc", "", "authorization", "Bearer " + ADMIN + "x")
                .body());
        seen.add(Http.get(SLUICE.baseUri(), "/admin/keys", "authorization", "Bearer " + ADMIN)
                .body());
        seen.add(Http.get(SLUICE.baseUri(), "/metrics").body());
        seen.add(Http.get(SLUICE.baseUri(), "/system/stats").body());
        seen.add(Http.get(SLUICE.baseUri(), "/system/resources").body());
        seen.add(ConfigLoader.describe(SluiceExtension.config(java.util.Map.of(
                "auth.api-keys",
                CLIENT,
                "auth.admin-key",
                ADMIN,
                "providers.p.kind",
                "openai",
                "providers.p.api-keys",
                PROVIDER))));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> SLUICE.sluice().leaks().isEmpty());
        try (Connection c = SLUICE.sluice().storeForTests().dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM usage_records")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.append(rs.getObject(i)).append('|');
                }
                seen.add(row.toString());
            }
        }
        synchronized (LOGGED) {
            assertThat(LOGGED).isNotEmpty();
            seen.addAll(LOGGED);
        }
        assertThat(String.join("\n", seen))
                .contains("invalid API key") // the paths were really exercised
                .doesNotContain(PROVIDER)
                .doesNotContain(CLIENT)
                .doesNotContain(ADMIN);
        assertThat(FAKE.provider().recentRequests())
                .anySatisfy(r -> assertThat(r.headers().get("authorization")).containsExactly("Bearer " + PROVIDER));
    }
}
