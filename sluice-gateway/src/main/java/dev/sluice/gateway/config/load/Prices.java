package dev.sluice.gateway.config.load;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * The format of a {@code usage.prices} entry, {@code model=input/output[/cache-read/cache-write]} in
 * USD per million tokens, as {@code usage.PriceTable} parses it (a test keeps the two in step).
 */
final class Prices {
    private Prices() {}

    /** Why {@code entry} is not a price entry, or empty when it is one. */
    static Optional<String> problem(String entry) {
        int eq = entry.lastIndexOf('=');
        String[] parts = eq <= 0 ? new String[0] : entry.substring(eq + 1).split("/");
        if (parts.length < 2 || parts.length > 4) {
            return Optional.of("is not model=input/output[/cache-read/cache-write] (USD per million tokens),"
                    + " e.g. claude-sonnet-4-5=3/15/0.3/3.75");
        }
        for (String part : parts) {
            try {
                new BigDecimal(part.strip())
                        .movePointRight(6)
                        .setScale(0, RoundingMode.HALF_UP)
                        .longValueExact();
            } catch (ArithmeticException | NumberFormatException bad) {
                return Optional.of("has " + Setting.quote(part) + ", which is not a price in USD");
            }
        }
        return Optional.empty();
    }
}
