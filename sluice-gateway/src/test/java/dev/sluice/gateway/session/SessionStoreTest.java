package dev.sluice.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** History under a token budget keeps the newest whole turns and never splits a tool call from its result. */
class SessionStoreTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static List<Store.Kind> kinds() {
        return TestDatabases.kinds();
    }

    static SessionStore.Message m(String json, int tokens) throws Exception {
        return new SessionStore.Message(JSON.readTree(json), tokens);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void newestWholeTurnsWithinTheBudgetAndTenantScoped(Store.Kind kind) throws Exception {
        try (Store store = Store.open(TestDatabases.settings(kind))) {
            SessionStore s = new SqlSessionStore(store.dataSource(), JSON);
            s.append(
                    "t",
                    "s",
                    List.of(
                            m("{\"role\":\"user\",\"content\":\"old\"}", 10),
                            m("{\"role\":\"assistant\",\"content\":\"old answer\"}", 10)));
            s.append(
                    "t",
                    "s",
                    List.of(
                            m("{\"role\":\"user\",\"content\":\"use the tool\"}", 10),
                            m(
                                    "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"tu1\",\"name\":\"f\",\"input\":{}}]}",
                                    10),
                            m(
                                    "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"tu1\",\"content\":\"42\"}]}",
                                    10),
                            m("{\"role\":\"assistant\",\"content\":\"it is 42\"}", 10)));

            List<JsonNode> all = s.history("t", "s", 1000);
            assertThat(all).hasSize(6);
            List<JsonNode> newest = s.history("t", "s", 45); // the 40-token tool turn fits, the older one not
            assertThat(newest).hasSize(4);
            assertThat(newest.get(0).path("content").asText()).isEqualTo("use the tool");
            assertThat(s.history("t", "s", 30)).isEmpty(); // the tool turn is never split
            assertThat(s.history("other-tenant", "s", 1000)).isEmpty();
            assertThat(store.leaks()).isEmpty();
        }
    }

    @Test
    void theDisabledStoreHasNoHistoryAndKeepsNothing() throws Exception {
        SessionStore off = SessionStore.disabled();
        assertThat(off.enabled()).isFalse();
        off.append("t", "s", List.of(m("{\"role\":\"user\",\"content\":\"hi\"}", 10)));
        assertThat(off.history("t", "s", 1000)).isEmpty();
        assertThat(SessionStore.disabled()).isSameAs(off);
    }

    @AfterAll
    static void drop() {
        TestDatabases.dropTestSchemas();
    }
}
