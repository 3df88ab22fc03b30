package dev.sluice.gateway.provider;

import java.nio.charset.StandardCharsets;

/** One server-sent event: its name ({@code "message"} when the stream gave none) and its data. */
public record SseEvent(String event, String data) {

    /** The event in wire form, ending with the blank line that dispatches it. */
    public byte[] toWire() {
        StringBuilder sb = new StringBuilder(event.length() + data.length() + 16);
        if (!"message".equals(event)) {
            sb.append("event: ").append(event).append('\n');
        }
        int start = 0;
        for (int i = 0; i <= data.length(); i++) {
            if (i == data.length() || data.charAt(i) == '\n') {
                sb.append("data: ").append(data, start, i).append('\n');
                start = i + 1;
            }
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
