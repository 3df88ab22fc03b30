package dev.sluice.gateway.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices per model in USD per million tokens, from entries like {@code claude-sonnet-4-5=3/15/0.3/3.75}
 * (input/output[/cache read/cache write]). Costs are exact integer micro-dollars.
 */
public final class PriceTable {

    /** Micro-dollars per million tokens of each kind. */
    public record Price(
            long inputMicrosPerMTok,
            long outputMicrosPerMTok,
            long cacheReadMicrosPerMTok,
            long cacheWriteMicrosPerMTok) {}

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    public static PriceTable empty() {
        return new PriceTable(Map.of());
    }

    /** Parses entries; a malformed one is an IllegalArgumentException naming it. */
    public static PriceTable parse(List<String> entries) {
        Map<String, Price> out = new HashMap<>();
        for (String e : entries) {
            int eq = e.lastIndexOf('=');
            String[] parts = eq <= 0 ? new String[0] : e.substring(eq + 1).split("/");
            if (parts.length < 2 || parts.length > 4) {
                throw new IllegalArgumentException(
                        "price " + e + ": expected model=input/output[/cache-read/cache-write]");
            }
            long[] micros = new long[4];
            for (int i = 0; i < parts.length; i++) {
                try {
                    micros[i] = new BigDecimal(parts[i].strip())
                            .movePointRight(6)
                            .setScale(0, RoundingMode.HALF_UP)
                            .longValueExact();
                } catch (ArithmeticException | NumberFormatException bad) {
                    throw new IllegalArgumentException("price " + e + ": " + parts[i] + " is not a price in USD");
                }
            }
            out.put(e.substring(0, eq).strip(), new Price(micros[0], micros[1], micros[2], micros[3]));
        }
        return new PriceTable(out);
    }

    /** The cost in micro-dollars, 0 for a model without a price. */
    public long costMicros(String model, long input, long output, long cacheRead, long cacheWrite) {
        Price p = prices.get(model);
        if (p == null) {
            return 0;
        }
        BigDecimal total = BigDecimal.valueOf(input)
                .multiply(BigDecimal.valueOf(p.inputMicrosPerMTok()))
                .add(BigDecimal.valueOf(output).multiply(BigDecimal.valueOf(p.outputMicrosPerMTok())))
                .add(BigDecimal.valueOf(cacheRead).multiply(BigDecimal.valueOf(p.cacheReadMicrosPerMTok())))
                .add(BigDecimal.valueOf(cacheWrite).multiply(BigDecimal.valueOf(p.cacheWriteMicrosPerMTok())));
        return total.divide(BigDecimal.valueOf(1_000_000), 0, RoundingMode.HALF_UP)
                .longValueExact();
    }
}
