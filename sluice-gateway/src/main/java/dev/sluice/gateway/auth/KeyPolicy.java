package dev.sluice.gateway.auth;

import java.util.List;

/**
 * What a key may do: models (empty: all), requests and tokens per minute, concurrent requests and a
 * token budget per period (0: unlimited), its admission priority ({@code interactive} or {@code batch}) and
 * the largest max_tokens it may ask for (0: no ceiling).
 */
public record KeyPolicy(
        List<String> allowedModels,
        int requestsPerMinute,
        int tokensPerMinute,
        int maxConcurrent,
        long budgetTokens,
        BudgetPeriod period,
        String priority,
        int maxOutputTokens) {

    /** The period a token budget covers, in UTC. */
    public enum BudgetPeriod {
        NONE,
        DAY,
        MONTH
    }

    public KeyPolicy {
        allowedModels = List.copyOf(allowedModels);
    }

    /** A policy without a max_tokens ceiling. */
    public KeyPolicy(
            List<String> allowedModels,
            int requestsPerMinute,
            int tokensPerMinute,
            int maxConcurrent,
            long budgetTokens,
            BudgetPeriod period,
            String priority) {
        this(allowedModels, requestsPerMinute, tokensPerMinute, maxConcurrent, budgetTokens, period, priority, 0);
    }

    public static KeyPolicy unlimited() {
        return new KeyPolicy(List.of(), 0, 0, 0, 0, BudgetPeriod.NONE, "interactive");
    }

    /** Whether the key may ask for {@code model}. */
    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
