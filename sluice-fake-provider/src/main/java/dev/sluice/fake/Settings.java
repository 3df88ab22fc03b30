package dev.sluice.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The validated defaults a {@link FakeProvider} runs with; requests may override the timing by header. */
record Settings(
        String host,
        int port,
        Duration latency,
        Duration ttft,
        Duration deltaInterval,
        int deltas,
        int slots,
        Duration idleTimeout) {

    /** @throws IllegalArgumentException listing every bad value at once */
    Settings {
        List<String> bad = new ArrayList<>();
        if (host == null || host.isBlank()) bad.add("host must not be blank");
        if (port < 0 || port > 65535) bad.add("port must be 0..65535, was " + port);
        checkDuration(bad, "latency", latency);
        checkDuration(bad, "ttft", ttft);
        checkDuration(bad, "deltaInterval", deltaInterval);
        checkDuration(bad, "idleTimeout", idleTimeout);
        if (idleTimeout != null && idleTimeout.isZero()) bad.add("idleTimeout must be positive");
        if (deltas < 1) bad.add("deltas must be at least 1, was " + deltas);
        if (slots < 0) bad.add("slots must be 0 (unlimited) or more, was " + slots);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("bad fake provider settings: " + String.join("; ", bad));
        }
    }

    private static void checkDuration(List<String> bad, String name, Duration value) {
        if (value == null) bad.add(name + " must not be null");
        else if (value.isNegative()) bad.add(name + " must not be negative, was " + value);
    }
}
