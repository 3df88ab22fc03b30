package dev.sluice.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One YAML file per rule that {@code serve} enforces at startup beyond a key's own type: each
 * breaks exactly one rule, and the value is the key its problem must name. Shared with the CLI tests.
 */
public final class StartupRuleCases {
    private StartupRuleCases() {}

    /** The four cases of the issue, in one file. */
    public static final String ALL_FOUR = """
            usage:
              prices: ["claude-sonnet-4-5=3/15", "gpt-4o=2.5"]
            cache:
              enabled: true
              redis-tier: true
            routing:
              probe-min: 10s
              probe-max: 5s
              breaker:
                failure-rate: 0
            """;

    /** File text to the key its one problem names. */
    public static Map<String, String> eachAlone() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("usage:\n  prices: [\"gpt-4o=2.5\"]\n", "usage.prices");
        cases.put("usage:\n  prices: [\"gpt-4o=2.5/ten\"]\n", "usage.prices");
        cases.put("cache:\n  enabled: true\n  redis-tier: true\n", "cache.redis-tier");
        cases.put("routing:\n  probe-min: 10s\n  probe-max: 5s\n", "routing.probe-max");
        cases.put("routing:\n  breaker:\n    failure-rate: 0\n", "routing.breaker.failure-rate");
        cases.put("routing:\n  breaker:\n    failure-rate: 1e-50\n", "routing.breaker.failure-rate");
        cases.put("admission:\n  interactive-reserve: 1\n", "admission.interactive-reserve");
        cases.put("redis:\n  url: \"localhost:6379\"\n", "redis.url");
        cases.put("""
                providers:
                  oai:
                    kind: openai
                routes:
                  fast:
                    targets: ["oai:gpt-4o", "oai:gpt-4o"]
                """, "routes.fast.targets");
        cases.put("""
                providers:
                  oai:
                    kind: openai
                routes:
                  fast:
                    targets: ["oai:gpt-4o"]
                    on-context-length: ["oai:gpt-4.1", "oai:gpt-4.1"]
                """, "routes.fast.on-context-length");
        cases.put("""
                providers:
                  oai:
                    kind: openai
                routes:
                  fast:
                    targets: ["oai:gpt-4o"]
                    on-context-length: ["big:gpt-4.1-1m"]
                """, "routes.fast.on-context-length");
        cases.put("routing:\n  breaker:\n    open-for: PT0.0005S\n", "routing.breaker.open-for");
        cases.put("cache:\n  prune-interval: PT0.0001S\n", "cache.prune-interval");
        cases.put("routing:\n  probe-max: 2600000h\n", "routing.probe-max");
        return cases;
    }
}
