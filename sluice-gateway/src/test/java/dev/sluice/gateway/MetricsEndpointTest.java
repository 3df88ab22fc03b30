package dev.sluice.gateway;

import static dev.sluice.gateway.Http.anthropicHeaders;
import static dev.sluice.gateway.Http.openAiHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.metrics.StrictPrometheusParser;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /metrics after mixed traffic parses under the strict parser, with bounded, meaningful series. */
@LeakChecked
class MetricsEndpointTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create(b -> b.deltas(3));

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(
            FAKE,
            "providers.ant.kind",
            "anthropic",
            "providers.ant.url",
            "{fake}",
            "providers.ant.api-keys",
            "sk-ant",
            "routes.claude.targets",
            "ant:fake-model",
            "routes.broken.targets",
            "ant:fault-server-error",
            "routing.default-provider",
            "ant",
            "cache.enabled",
            "true");

    @Test
    void theExpositionIsStrictlyValidAndCarriesTheGatewaysSeries() throws Exception {
        Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("claude", true), anthropicHeaders());
        Http.post(SLUICE.baseUri(), "/v1/chat/completions", Http.chatBody("claude", false), openAiHeaders());
        Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("broken", false), anthropicHeaders());
        for (int i = 0; i < 5; i++) { // names a client makes up fold into "other"
            Http.post(SLUICE.baseUri(), "/v1/messages", Http.messageBody("made-up-" + i, false), anthropicHeaders());
        }

        HttpResponse<String> r = Http.get(SLUICE.baseUri(), "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        Map<String, StrictPrometheusParser.Family> families = StrictPrometheusParser.parse(r.body());

        assertThat(families)
                .containsKeys(
                        "sluice_request_duration_seconds",
                        "sluice_request_ttfb_seconds",
                        "sluice_tokens_total",
                        "sluice_admission_in_flight",
                        "sluice_admission_limit",
                        "sluice_admission_shed_total",
                        "sluice_memory_floor_bytes",
                        "sluice_upstream_breaker_open",
                        "sluice_retries_total",
                        "sluice_usage_queue_depth",
                        "sluice_access_log_dropped_total",
                        "sluice_store_connections_active",
                        "sluice_cache_hits_total",
                        "sluice_upstream_pool_active",
                        "sluice_upstream_pool_idle",
                        "sluice_store_connections_idle",
                        "jvm_memory_used_bytes",
                        "jvm_threads_live_threads",
                        "process_files_open_files");
        assertThat(families.keySet()).anyMatch(k -> k.startsWith("jvm_gc_")); // pause timers appear after a GC
        assertThat(families.values())
                .flatMap(StrictPrometheusParser.Family::samples)
                .noneMatch(
                        s -> s.labels().containsKey("quantile")); // no client-side "quantiles" (a peer's is the mean)
        var durations = families.get("sluice_request_duration_seconds").samples();
        assertThat(durations).extracting(s -> s.labels().get("model")).containsOnly("claude", "broken", "other");
        assertThat(durations).extracting(s -> s.labels().get("dialect")).contains("anthropic", "openai");
        assertThat(durations).extracting(s -> s.labels().get("status")).contains("2xx", "5xx");
        assertThat(families.get("sluice_tokens_total").samples()).anySatisfy(s -> {
            assertThat(s.labels()).containsEntry("kind", "output");
            assertThat(s.value()).isPositive();
        });
        assertThat(r.body()).doesNotContain("sk-ant").doesNotContain(SluiceExtension.CLIENT_KEY);
    }
}
