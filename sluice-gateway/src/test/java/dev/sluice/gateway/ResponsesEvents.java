package dev.sluice.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** An OpenAI Responses event stream as a client reads it: {@code event: <type>} / {@code data: <json>} pairs. */
record ResponsesEvents(List<Event> events) {

    static final ObjectMapper JSON = new ObjectMapper();

    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    static ResponsesEvents parse(String body) throws IOException {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).strip());
                }
            }
            if (data.length() > 0) {
                out.add(new Event(name, JSON.readTree(data.toString())));
            }
        }
        return new ResponsesEvents(out);
    }

    List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    List<Event> named(String name) {
        return events.stream().filter(e -> name.equals(e.name())).toList();
    }

    Event last() {
        return events.get(events.size() - 1);
    }

    /** The text deltas joined, in order. */
    String text() {
        StringBuilder s = new StringBuilder();
        named("response.output_text.delta")
                .forEach(e -> s.append(e.data().path("delta").asText()));
        return s.toString();
    }

    /** The text of the first output_text part of a response's message items. */
    static String outputText(JsonNode response) {
        StringBuilder s = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            if (item.path("type").asText().equals("message")) {
                for (JsonNode part : item.path("content")) {
                    s.append(part.path("text").asText());
                }
            }
        }
        return s.toString();
    }
}
