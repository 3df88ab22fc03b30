package dev.sluice.gateway.config.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Raw settings from the environment and from key=value maps (command line flags, embedding). */
final class Sources {
    private Sources() {}

    /**
     * Settings from {@code env}: each key's {@code SLUICE_*} name, else its alias. Any other
     * {@code SLUICE_*} variable (except {@link Registry#RESERVED_ENV}) is a problem.
     */
    static List<Setting> fromEnv(Map<String, String> env, List<String> problems) {
        List<Setting> out = new ArrayList<>();
        for (Registry.Entry e : Registry.ENTRIES) {
            String key = e.key().key();
            String name = e.key().env();
            if (!env.containsKey(name)) {
                name = Registry.aliasesOf(key).stream()
                        .filter(env::containsKey)
                        .findFirst()
                        .orElse(null);
            }
            String value = name == null ? null : env.get(name);
            if (value != null) {
                out.add(Setting.scalar(key, value, "env " + name));
            }
        }
        List<String> knownNames =
                Registry.ENTRIES.stream().map(e -> e.key().env()).collect(Collectors.toList());
        knownNames.addAll(Registry.ENV_ALIASES.keySet());
        for (String name : new TreeSet<>(env.keySet())) {
            if (name.startsWith("SLUICE_") && !knownNames.contains(name) && !Registry.RESERVED_ENV.contains(name)) {
                problems.add("unknown environment variable " + name + ": no Sluice setting has that name"
                        + Suggestions.didYouMean(name, knownNames));
            }
        }
        return out;
    }

    /** Settings from a map of dotted keys, each tagged with {@code source}; unknown keys are problems. */
    static List<Setting> fromMap(Map<String, String> map, String source, List<String> problems) {
        List<Setting> out = new ArrayList<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (Registry.BY_KEY.containsKey(e.getKey())
                    || NamedSections.match(e.getKey()).isPresent()) {
                out.add(Setting.scalar(e.getKey(), e.getValue(), source));
            } else {
                problems.add(unknownKey(e.getKey(), source));
            }
        }
        return out;
    }

    /** The problem for an unknown key; its value is not shown, as it may be a mistyped secret. */
    static String unknownKey(String key, String source) {
        if (NamedSections.isSection(key)) {
            return "unknown key " + Setting.quote(key) + " (from " + source + "): keys here are "
                    + NamedSections.FIELDS.stream()
                            .map(NamedSections.Field::documentedKey)
                            .collect(Collectors.joining(", "));
        }
        String hint = Suggestions.didYouMean(key, Registry.BY_KEY.keySet());
        if (hint.isEmpty() && Registry.BY_KEY.keySet().stream().anyMatch(k -> k.startsWith(key + "."))) {
            hint = "; " + key + " is a section, with keys "
                    + Registry.BY_KEY.keySet().stream()
                            .filter(k -> k.startsWith(key + "."))
                            .collect(Collectors.joining(", "));
        }
        return "unknown key " + Setting.quote(key) + " (from " + source + ")" + hint;
    }
}
