package dev.sluice.gateway.config.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/configuration.md has one table of keys; it must agree with the registry, both ways. */
class ConfigDocsTest {

    record Row(String key, List<String> env, String defaultText) {}

    @Test
    void docsTableListsExactlyTheRegistryKeysWithTheirDefaults() throws Exception {
        Map<String, Row> docs = docsTable();
        Map<String, String> registryDefaults = ConfigLoader.keys().stream()
                .collect(Collectors.toMap(ConfigKey::key, ConfigKey::shownDefault, (a, b) -> a, LinkedHashMap::new));
        Map<String, String> docsDefaults = docs.values().stream()
                .collect(Collectors.toMap(Row::key, Row::defaultText, (a, b) -> a, LinkedHashMap::new));

        assertThat(docsDefaults).containsExactlyEntriesOf(registryDefaults);
    }

    @Test
    void docsTableNamesEachKeysEnvironmentVariableAndAliases() throws Exception {
        Map<String, Row> docs = docsTable();
        for (ConfigKey k : ConfigLoader.keys()) {
            List<String> expected = new java.util.ArrayList<>(List.of(k.env()));
            expected.addAll(Registry.aliasesOf(k.key()));
            assertThat(docs.get(k.key()).env()).as("env of " + k.key()).containsExactlyElementsOf(expected);
        }
    }

    private static Map<String, Row> docsTable() throws Exception {
        List<String> lines = Files.readAllLines(docsDir().resolve("configuration.md"));
        int header = lines.indexOf("| key | env | type | default | meaning |");
        assertThat(header).as("the keys table header in docs/configuration.md").isNotNegative();
        assertThat(lines.stream().filter(l -> l.startsWith("| key |")).count())
                .as("one keys table")
                .isEqualTo(1);
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                    .map(String::strip)
                    .toArray(String[]::new);
            String key = unquote(cells[0]);
            List<String> env = Arrays.stream(cells[1].split(","))
                    .map(s -> unquote(s.strip()))
                    .toList();
            assertThat(rows.put(key, new Row(key, env, unquote(cells[3]))))
                    .as("row for " + key)
                    .isNull();
        }
        return rows;
    }

    private static String unquote(String cell) {
        return cell.startsWith("`") && cell.endsWith("`") ? cell.substring(1, cell.length() - 1) : cell;
    }

    /** The nearest directory at or above the working directory that contains docs/. */
    private static Path docsDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("docs"))) {
                return d.resolve("docs");
            }
        }
        throw new AssertionError("no docs/ directory above " + Path.of("").toAbsolutePath());
    }
}
