package dev.sluice.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordedRequestsTest {

    @Test
    void aTranslatedRequestWithABase64ImageIsRecordedWhole() {
        String image = "A".repeat(200_000);
        String body =
                "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                        + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + image
                        + "\"}}]}]}";
        try (FakeProvider provider = FakeProvider.builder().start();
                Http http = new Http(provider)) {
            assertThat(http.post("/v1/messages", body).statusCode()).isEqualTo(200);
            assertThat(provider.recentRequests().get(0).body()).isEqualTo(body);
        }
    }

    @Test
    void theRingDropsTheOldestWhenTheBodiesPassTheirBound() {
        Stats stats = new Stats();
        String big = "x".repeat(RecordedRequest.MAX_BODY_BYTES);
        for (int i = 0; i < 100; i++)
            stats.record(new RecordedRequest("POST", "/v1/messages", "i=" + i, Map.of(), big));

        List<RecordedRequest> recent = stats.recent();
        assertThat(recent).hasSize((int) (Stats.RECENT_BODY_CHARS / RecordedRequest.MAX_BODY_BYTES));
        assertThat(recent.get(recent.size() - 1).query()).isEqualTo("i=99");
        assertThat(recent.stream().mapToLong(r -> r.body().length()).sum())
                .isLessThanOrEqualTo(Stats.RECENT_BODY_CHARS);

        for (int i = 0; i < 300; i++) stats.record(new RecordedRequest("GET", "/", "j=" + i, Map.of(), ""));
        assertThat(stats.recent()).hasSize(Stats.RECENT_CAPACITY);
        assertThat(stats.recent().get(0).query()).isEqualTo("j=44");
    }
}
