package dev.sluice.fake;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The timing of one answer: the provider's defaults, overridden per request by the {@code x-fake-*}
 * headers, and by the timing faults. Header durations are milliseconds ({@code 250}) or carry a unit
 * ({@code 250ms}, {@code 2s}, {@code 1m}).
 */
record Plan(Duration latency, Duration ttft, Duration deltaInterval, int deltas, Duration stall) {

    static final String LATENCY = "x-fake-latency";
    static final String TTFT = "x-fake-ttft";
    static final String DELTA_INTERVAL = "x-fake-delta-interval";
    static final String DELTAS = "x-fake-deltas";
    static final String STALL = "x-fake-stall";
    /** How long slow-headers, slow-first-token and stall wait when their header is absent. */
    static final Duration FAULT_DEFAULT_WAIT = Duration.ofSeconds(30);

    static final int MAX_DELTAS = 100_000;

    /** @param header a request header by lower-case name */
    static Plan of(Settings settings, Fault fault, Function<String, Optional<String>> header) {
        Optional<Duration> latencyHeader = duration(header, LATENCY);
        Optional<Duration> ttftHeader = duration(header, TTFT);
        Duration latency = latencyHeader.orElse(fault == Fault.SLOW_HEADERS ? FAULT_DEFAULT_WAIT : settings.latency());
        Duration ttft = ttftHeader.orElse(fault == Fault.SLOW_FIRST_TOKEN ? FAULT_DEFAULT_WAIT : settings.ttft());
        Duration interval = duration(header, DELTA_INTERVAL).orElse(settings.deltaInterval());
        Duration stall = duration(header, STALL).orElse(FAULT_DEFAULT_WAIT);
        int deltas =
                header.apply(DELTAS).map(String::trim).map(Plan::parseDeltas).orElse(settings.deltas());
        return new Plan(latency, ttft, interval, deltas, stall);
    }

    private static int parseDeltas(String text) {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_DELTAS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new BadRequest(DELTAS + ": expected an integer 1.." + MAX_DELTAS + ", was '" + text + "'");
    }

    private static Optional<Duration> duration(Function<String, Optional<String>> header, String name) {
        return header.apply(name).map(String::trim).map(value -> parseDuration(name, value));
    }

    /** {@code 250} (milliseconds), {@code 250ms}, {@code 2s} or {@code 1m}. */
    static Duration parseDuration(String name, String text) {
        String value = text.toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (value.endsWith("ms"))
                parsed = Duration.ofMillis(
                        Long.parseLong(value.substring(0, value.length() - 2).trim()));
            else if (value.endsWith("s"))
                parsed = Duration.ofSeconds(
                        Long.parseLong(value.substring(0, value.length() - 1).trim()));
            else if (value.endsWith("m"))
                parsed = Duration.ofMinutes(
                        Long.parseLong(value.substring(0, value.length() - 1).trim()));
            else parsed = Duration.ofMillis(Long.parseLong(value));
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // fall through to the error below
        }
        throw new BadRequest(name + ": cannot parse '" + text + "' as a duration (use 250, 250ms or 2s)");
    }
}
