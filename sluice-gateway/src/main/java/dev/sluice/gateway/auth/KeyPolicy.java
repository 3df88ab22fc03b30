package dev.sluice.gateway.auth;

import java.util.List;

/**
 * What a key may do: models (empty: all), requests and tokens per minute, concurrent requests and a
 * token budget per period (0: unlimited), and its admission priority ({@code interactive} or {@code batch}).
 */
public record KeyPolicy(List<String> allowedModels, int requestsPerMinute, int tokensPerMinute, int maxConcurrent,
                        long budgetTokens, BudgetPeriod period, String priority) {

    /** The period a token budget covers, in UTC. */
    public enum BudgetPeriod { NONE, DAY, MONTH }

    public KeyPolicy {
        allowedModels = List.copyOf(allowedModels);
    }

    public static KeyPolicy unlimited() {
        return new KeyPolicy(List.of(), 0, 0, 0, 0, BudgetPeriod.NONE, "interactive");
    }

    /** Whether the key may ask for {@code model}. */
    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
