package dev.sluice.testkit;

import java.util.Objects;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} field, or {@code "message"} when the event had none (as in
 *     OpenAI streams)
 * @param data the {@code data:} lines joined by {@code \n}; empty when there were none
 */
public record SseEvent(String event, String data) {

    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
    }
}
