package dev.sluice.fake;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted misbehaviour, chosen per request by {@code x-fake-fault: <name>} or model {@code fault-<name>},
 * the name optionally followed by options ({@link Choice}): {@code -at-<N>}, {@code -after-<millis>},
 * {@code -times-<K>}, {@code -case-<N>}.
 */
enum Fault {
    NONE(""),
    RATE_LIMIT("rate-limit"),
    RATE_LIMIT_NO_RETRY_AFTER("rate-limit-no-retry-after"),
    SERVER_ERROR("server-error"),
    UNAVAILABLE("unavailable"),
    OVERLOADED("overloaded"),
    RESET("reset"),
    NO_ANSWER("no-answer"),
    SLOW_HEADERS("slow-headers"),
    SLOW_FIRST_TOKEN("slow-first-token"),
    STREAM_CUT("stream-cut"),
    STALL("stall"),
    MALFORMED("malformed"),
    /** One event whose data is not JSON, then the rest of the stream as usual (streams only; whole answers unaffected). */
    MALFORMED_EVENT("malformed-event"),
    /** The dialect's in-band error event after half the deltas, then the end (streams only). */
    STREAM_ERROR("stream-error"),
    NO_TERMINATOR("no-terminator"),
    CONTEXT_LENGTH("context-length"),
    CONTENT_FILTER("content-filter"),
    FLAPPING("flapping"),
    /** One text delta of {@link Answer#BIG_EVENT_CHARS} characters, streamed max_tokens times (for clients that do not read). */
    BIG_EVENTS("big-events"),
    /** Realtime sessions only: the fake reads no client frame for {@code x-fake-stall} (default 30 s) after the handshake. */
    SLOW_READER("slow-reader"),
    /** 400 invalid_request_error when the request ends with an assistant turn (a prefill); else no fault. */
    REFUSE_PREFILL("refuse-prefill");

    static final String HEADER = "x-fake-fault";
    static final String MODEL_PREFIX = "fault-";

    final String wireName;

    Fault(String wireName) {
        this.wireName = wireName;
    }

    /** The error a status fault answers with, or empty when this fault is not a plain error status. */
    Optional<ErrorKind> error() {
        return switch (this) {
            case RATE_LIMIT -> Optional.of(ErrorKind.RATE_LIMIT);
            case RATE_LIMIT_NO_RETRY_AFTER -> Optional.of(ErrorKind.RATE_LIMIT_NO_RETRY_AFTER);
            case SERVER_ERROR -> Optional.of(ErrorKind.SERVER_ERROR);
            case UNAVAILABLE -> Optional.of(ErrorKind.UNAVAILABLE);
            case OVERLOADED -> Optional.of(ErrorKind.OVERLOADED);
            case CONTEXT_LENGTH -> Optional.of(ErrorKind.CONTEXT_LENGTH);
            default -> Optional.empty();
        };
    }

    /** Whether the fault strikes at a point of a stream, which {@code -at-<N>} and {@code x-fake-fault-at} move. */
    boolean strikesMidStream() {
        return switch (this) {
            case STREAM_CUT, STALL, MALFORMED, MALFORMED_EVENT, STREAM_ERROR -> true;
            default -> false;
        };
    }

    /** Whether the fault is a wait that {@code -after-<millis>} sets. */
    boolean waits() {
        return this == SLOW_HEADERS || this == SLOW_FIRST_TOKEN;
    }

    /**
     * A fault as a request named it, with its options.
     *
     * @param at    {@code -at-<N>}: a mid-stream fault strikes after N content deltas (else after half)
     * @param after {@code -after-<millis>}: the wait of slow-headers / slow-first-token (else 30 s)
     * @param times {@code -times-<K>}: only the first K requests naming it by {@code key} get the fault
     * @param key   the exact string that named the fault, which {@code -times-<K>} counts by
     */
    record Choice(Fault fault, OptionalInt at, Optional<Duration> after, OptionalInt times, String key) {
        static final Choice NONE = of(Fault.NONE);

        static Choice of(Fault fault) {
            return new Choice(fault, OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), "");
        }
    }

    /** {@code <rest>-<option>-<digits>}, an option at the end of a fault name. */
    private static final Pattern OPTION = Pattern.compile("(.+)-(at|after|times|case)-([0-9]+)");

    /**
     * The fault for a request: the header wins over the model name; neither gives {@link Choice#NONE}.
     *
     * @throws BadRequest naming the unknown fault and the known ones, or a bad option
     */
    static Choice select(Optional<String> header, Optional<String> model) {
        if (header.isPresent() && !header.get().isBlank()) {
            String name = header.get().trim();
            return parse(name, HEADER, HEADER + ": " + name);
        }
        if (model.isPresent() && model.get().startsWith(MODEL_PREFIX)) {
            return parse(model.get().substring(MODEL_PREFIX.length()), "model", model.get());
        }
        return Choice.NONE;
    }

    /** {@code <name>[-at-<N>][-after-<millis>][-times-<K>][-case-<N>]}, the options in any order, each at most once. */
    private static Choice parse(String text, String source, String key) {
        String name = text.toLowerCase(Locale.ROOT);
        OptionalInt at = OptionalInt.empty();
        Optional<Duration> after = Optional.empty();
        OptionalInt times = OptionalInt.empty();
        boolean cased = false;
        for (Matcher m = OPTION.matcher(name); m.matches(); m = OPTION.matcher(name)) {
            String option = m.group(2);
            long value = number(source, text, option, m.group(3));
            boolean repeated = switch (option) {
                case "at" -> at.isPresent();
                case "after" -> after.isPresent();
                case "case" -> cased;
                default -> times.isPresent();
            };
            if (repeated) throw new BadRequest(source + ": '-" + option + "-' given twice in '" + text + "'");
            switch (option) {
                case "at" -> at = OptionalInt.of((int) Math.min(value, Integer.MAX_VALUE));
                case "after" -> after = Optional.of(Duration.ofMillis(value));
                case "case" -> cased = true; // only makes the string, and so its -times- count, distinct
                default -> {
                    if (value < 1) throw new BadRequest(source + ": '-times-' must be at least 1 in '" + text + "'");
                    times = OptionalInt.of((int) Math.min(value, Integer.MAX_VALUE));
                }
            }
            name = m.group(1);
        }
        Fault fault = byName(name, text, source);
        if (at.isPresent() && !fault.strikesMidStream()) {
            throw new BadRequest(source + ": '-at-<N>' applies only to stream-cut, stall, malformed,"
                    + " malformed-event and stream-error, not to '" + fault.wireName + "'");
        }
        if (after.isPresent() && !fault.waits()) {
            throw new BadRequest(source + ": '-after-<millis>' applies only to slow-headers and slow-first-token,"
                    + " not to '" + fault.wireName + "'");
        }
        return new Choice(fault, at, after, times, key);
    }

    private static long number(String source, String text, String option, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new BadRequest(source + ": '-" + option + "-' number too large in '" + text + "'");
        }
    }

    private static Fault byName(String name, String asGiven, String source) {
        for (Fault fault : values()) {
            if (fault != NONE && fault.wireName.equals(name)) {
                return fault;
            }
        }
        throw new BadRequest(source + ": unknown fault '" + asGiven + "'; known faults: " + names()
                + " (each optionally followed by -at-<N>, -after-<millis>, -times-<K>, -case-<N>)");
    }

    static String names() {
        return Arrays.stream(values())
                .filter(f -> f != NONE)
                .map(f -> f.wireName)
                .collect(Collectors.joining(", "));
    }
}
