package dev.sluice.gateway.translate.stream;

import java.util.ArrayList;
import java.util.List;

/** Splits SSE wire text into frames: {@code event:} name (null when absent) and joined {@code data:} lines. */
final class WireFrames {

    record Frame(String event, String data) {}

    private WireFrames() {}

    static List<Frame> parse(String wire) {
        List<Frame> frames = new ArrayList<>();
        for (String raw : wire.split("\n\n")) {
            if (raw.isBlank()) continue;
            String event = null;
            StringBuilder data = null;
            for (String line : raw.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(6));
                } else if (!line.startsWith(":")) {
                    throw new AssertionError("not an SSE line: \"" + line + "\" in frame \"" + raw + "\"");
                }
            }
            if (data == null) throw new AssertionError("frame without data: \"" + raw + "\"");
            frames.add(new Frame(event, data.toString()));
        }
        if (!wire.isEmpty() && !wire.endsWith("\n\n")) {
            throw new AssertionError("wire text does not end with a blank line (last frame not dispatched)");
        }
        return frames;
    }
}
