package dev.sluice.fake;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The timing of one answer: the provider's defaults, overridden per request by the {@code x-fake-*}
 * headers, and by the timing faults. Header durations are milliseconds ({@code 250}) or carry a unit
 * ({@code 250ms}, {@code 2s}, {@code 1m}).
 *
 * @param at after how many content deltas a mid-stream fault strikes; empty: after half of them
 */
record Plan(Duration latency, Duration ttft, Duration deltaInterval, int deltas, Duration stall, OptionalInt at) {

    static final String LATENCY = "x-fake-latency";
    static final String TTFT = "x-fake-ttft";
    static final String DELTA_INTERVAL = "x-fake-delta-interval";
    static final String DELTAS = "x-fake-deltas";
    static final String STALL = "x-fake-stall";
    static final String FAULT_AT = "x-fake-fault-at";
    /** How long slow-headers, slow-first-token and stall wait when their header is absent. */
    static final Duration FAULT_DEFAULT_WAIT = Duration.ofSeconds(30);

    static final int MAX_DELTAS = 100_000;

    /** @param header a request header by lower-case name */
    static Plan of(Settings settings, Fault fault, Function<String, Optional<String>> header) {
        return of(settings, Fault.Choice.of(fault), header);
    }

    /**
     * The plan under {@code choice}: its {@code -after-<millis>} is the wait of slow-headers or
     * slow-first-token, its {@code -at-<N>} where a mid-stream fault strikes; the headers win over both.
     *
     * @param header a request header by lower-case name
     */
    static Plan of(Settings settings, Fault.Choice choice, Function<String, Optional<String>> header) {
        Fault fault = choice.fault();
        Duration faultWait = choice.after().orElse(FAULT_DEFAULT_WAIT);
        Optional<Duration> latencyHeader = duration(header, LATENCY);
        Optional<Duration> ttftHeader = duration(header, TTFT);
        Duration latency = latencyHeader.orElse(fault == Fault.SLOW_HEADERS ? faultWait : settings.latency());
        Duration ttft = ttftHeader.orElse(fault == Fault.SLOW_FIRST_TOKEN ? faultWait : settings.ttft());
        Duration interval = duration(header, DELTA_INTERVAL).orElse(settings.deltaInterval());
        Duration stall = duration(header, STALL).orElse(FAULT_DEFAULT_WAIT);
        int deltas = header.apply(DELTAS)
                .map(String::trim)
                .map(text -> parseInt(DELTAS, text, 1))
                .orElse(settings.deltas());
        OptionalInt at = OptionalInt.empty();
        if (fault.strikesMidStream()) {
            Optional<String> atHeader = header.apply(FAULT_AT).map(String::trim);
            at = atHeader.isPresent() ? OptionalInt.of(parseInt(FAULT_AT, atHeader.get(), 0)) : choice.at();
        }
        return new Plan(latency, ttft, interval, deltas, stall, at);
    }

    /**
     * After how many of an answer's {@code deltas} content deltas a mid-stream fault strikes: {@code -at-<N>}
     * (at most all of them: then after the last one), else half of them; -1 (never) for an answer without
     * deltas and no {@code -at-}.
     */
    int strikeAt(int deltas) {
        if (at.isPresent()) return Math.min(at.getAsInt(), deltas);
        return deltas == 0 ? -1 : deltas / 2;
    }

    private static int parseInt(String name, String text, int min) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= MAX_DELTAS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new BadRequest(name + ": expected an integer " + min + ".." + MAX_DELTAS + ", was '" + text + "'");
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
