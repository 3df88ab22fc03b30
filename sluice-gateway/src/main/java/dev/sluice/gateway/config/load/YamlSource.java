package dev.sluice.gateway.config.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a YAML config file into raw settings. Keys nest ({@code server: {port: 8080}}) or are
 * dotted ({@code server.port: 8080}); scalars are kept as written (YAML's own typing would turn
 * {@code on} into {@code true} and {@code 010} into 8), so each key's type alone decides.
 */
final class YamlSource {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Path file;
    private final List<String> problems;
    private final List<Setting> settings = new ArrayList<>();
    private final Map<String, Integer> lineOfKey = new HashMap<>();

    private YamlSource(Path file, List<String> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The settings in {@code file}; problems (unreadable, not YAML, wrong shape) go to {@code problems}. */
    static List<Setting> read(Path file, List<String> problems) {
        YamlSource source = new YamlSource(file, problems);
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser parser = FACTORY.createParser(reader)) {
            source.readDocument(parser);
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            // Only the first line of the parser's message and the position: later lines quote the
            // file's text, which may hold a secret.
            String reason = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
            problems.add("config file " + file + " is not valid YAML at line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + reason);
        } catch (IOException e) {
            problems.add("config file " + file + " cannot be read: " + e);
        }
        return source.settings;
    }

    private void readDocument(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            return; // empty file: no settings
        }
        if (first != JsonToken.START_OBJECT) {
            problems.add("config file " + file + " must be a map of keys (like \"server: {port: 8080}\"), but line "
                    + line(p) + " starts a " + describe(first));
            return;
        }
        readMap(p, "");
        if (p.nextToken() != null) {
            problems.add("config file " + file + " has more than one YAML document (line " + line(p) + ")");
        }
    }

    private void readMap(JsonParser p, String prefix) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = prefix.isEmpty() ? p.currentName() : prefix + "." + p.currentName();
            int line = line(p);
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT) {
                readMap(p, key);
            } else if (value == JsonToken.START_ARRAY) {
                readList(p, key, line);
            } else {
                add(Setting.scalar(key, value == JsonToken.VALUE_NULL ? "" : p.getText(), where(line)), line);
            }
        }
    }

    private void readList(JsonParser p, String key, int line) throws IOException {
        List<String> items = new ArrayList<>();
        boolean scalarsOnly = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                scalarsOnly = false;
                p.skipChildren();
            } else {
                items.add(t == JsonToken.VALUE_NULL ? "" : p.getText());
            }
        }
        if (!scalarsOnly) {
            problems.add(
                    key + " (from " + where(line) + "): a list here may only hold plain values, not maps or lists");
            return;
        }
        add(Setting.list(key, items, where(line)), line);
    }

    private void add(Setting s, int line) {
        Integer earlier = lineOfKey.putIfAbsent(s.key(), line);
        if (earlier != null) {
            problems.add(
                    s.key() + " is set twice in config file " + file + " (lines " + earlier + " and " + line + ")");
            return;
        }
        if (!Registry.BY_KEY.containsKey(s.key())
                && NamedSections.match(s.key()).isEmpty()) {
            problems.add(Sources.unknownKey(s.key(), where(line)));
            return;
        }
        settings.add(s);
    }

    private String where(int line) {
        return "file " + file + ", line " + line;
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String describe(JsonToken t) {
        return t == JsonToken.START_ARRAY ? "list" : "plain value";
    }
}
