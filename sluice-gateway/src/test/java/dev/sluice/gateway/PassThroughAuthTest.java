package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.fake.RecordedRequest;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** auth.mode pass-through: the client's own provider key goes upstream instead of Sluice's. */
@LeakChecked
class PassThroughAuthTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(2));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "auth.mode",
            "pass-through",
            "providers.oai.kind",
            "openai",
            "providers.oai.url",
            "{fake}/v1",
            "providers.oai.api-keys",
            "sk-sluice-own",
            "routes.gpt.targets",
            "oai:fake-gpt");

    @Test
    void theClientsKeyIsForwardedInTheProvidersHeaderAndSluicesIsNot() throws Exception {
        assertThat(Http.post(
                                SLUICE.baseUri(),
                                "/v1/messages",
                                Http.messageBody("gpt", false),
                                "x-api-key",
                                "sk-clients-own-openai-key",
                                "anthropic-version",
                                "2023-06-01",
                                "content-type",
                                "application/json")
                        .statusCode())
                .isEqualTo(200);

        List<RecordedRequest> seen = FAKE.provider().recentRequests();
        RecordedRequest last = seen.get(seen.size() - 1);
        assertThat(last.headers().get("authorization")).containsExactly("Bearer sk-clients-own-openai-key");
        assertThat(last.headers().toString()).doesNotContain("sk-sluice-own");
    }

    @Test
    void aRequestWithoutAKeyIsStillRefused() throws Exception {
        assertThat(Http.post(
                                SLUICE.baseUri(),
                                "/v1/messages",
                                Http.messageBody("gpt", false),
                                "anthropic-version",
                                "2023-06-01",
                                "content-type",
                                "application/json")
                        .statusCode())
                .isEqualTo(401);
    }
}
