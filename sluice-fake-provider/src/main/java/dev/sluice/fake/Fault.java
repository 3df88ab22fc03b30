package dev.sluice.fake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A scripted misbehaviour, chosen per request by {@code x-fake-fault: <name>} or model {@code fault-<name>}. */
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
    /** The dialect's in-band error event after half the deltas, then the end (streams only). */
    STREAM_ERROR("stream-error"),
    NO_TERMINATOR("no-terminator"),
    CONTEXT_LENGTH("context-length"),
    CONTENT_FILTER("content-filter"),
    FLAPPING("flapping"),
    /** One text delta of {@link Answer#BIG_EVENT_CHARS} characters, streamed max_tokens times (for clients that do not read). */
    BIG_EVENTS("big-events"),
    /** Realtime sessions only: the fake reads no client frame for {@code x-fake-stall} (default 30 s) after the handshake. */
    SLOW_READER("slow-reader");

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

    /**
     * The fault for a request: the header wins over the model name; neither gives {@link #NONE}.
     *
     * @throws BadRequest naming the unknown fault and the known ones
     */
    static Fault select(Optional<String> header, Optional<String> model) {
        if (header.isPresent() && !header.get().isBlank()) {
            return byName(header.get().trim(), HEADER);
        }
        if (model.isPresent() && model.get().startsWith(MODEL_PREFIX)) {
            return byName(model.get().substring(MODEL_PREFIX.length()), "model");
        }
        return NONE;
    }

    private static Fault byName(String name, String source) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Fault fault : values()) {
            if (fault != NONE && fault.wireName.equals(wanted)) {
                return fault;
            }
        }
        throw new BadRequest(source + ": unknown fault '" + name + "'; known faults: " + names());
    }

    static String names() {
        return Arrays.stream(values())
                .filter(f -> f != NONE)
                .map(f -> f.wireName)
                .collect(Collectors.joining(", "));
    }
}
