package dev.sluice.gateway.config.load;

import dev.sluice.gateway.config.ProviderKind;
import dev.sluice.gateway.config.Secret;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.value.ValueType;
import java.util.List;

/** Prints a config as YAML in the registry's order, secrets redacted. */
final class Describer {
    private Describer() {}

    static String describe(SluiceConfig c) {
        StringBuilder sb = new StringBuilder();
        String section = "";
        for (Registry.Entry e : Registry.ENTRIES) {
            String key = e.key().key();
            int dot = key.indexOf('.');
            if (!key.substring(0, dot).equals(section)) {
                section = key.substring(0, dot);
                sb.append(section).append(":\n");
            }
            sb.append("  ")
                    .append(key.substring(dot + 1))
                    .append(": ")
                    .append(value(e, e.read().apply(c)))
                    .append('\n');
        }
        describeNamed(c.routing(), sb);
        return sb.toString();
    }

    private static void describeNamed(SluiceConfig.Routing r, StringBuilder sb) {
        var named = r.providers().values().stream()
                .filter(p -> !p.name().equals(SluiceConfig.Routing.DEFAULT_PROVIDER))
                .toList();
        if (!named.isEmpty()) {
            sb.append("providers:\n");
            for (SluiceConfig.Provider p : named) {
                sb.append("  ")
                        .append(p.name())
                        .append(":\n")
                        .append("    kind: ")
                        .append(p.kind().id())
                        .append('\n')
                        .append("    url: ")
                        .append(plain(p.url().toString()))
                        .append('\n')
                        .append("    api-keys: ")
                        .append(p.apiKeys().isEmpty() ? "[]  # none" : secrets(p.apiKeys()))
                        .append('\n');
                if (p.kind() == ProviderKind.AZURE_OPENAI) {
                    sb.append("    api-version: ").append(plain(p.apiVersion())).append('\n');
                }
                if (p.nativeResponses()) {
                    sb.append("    native-responses: true\n");
                }
                if (p.kind().servesRealtime() && !p.realtime()) {
                    sb.append("    realtime: false\n");
                }
                sb.append("    max-connections: ")
                        .append(p.maxConnections())
                        .append('\n')
                        .append("    max-queued-requests: ")
                        .append(p.maxQueuedRequests())
                        .append('\n');
            }
        }
        if (!r.routes().isEmpty()) {
            sb.append("routes:\n");
            for (SluiceConfig.Route route : r.routes().values()) {
                sb.append("  ")
                        .append(plain(route.name()))
                        .append(":\n")
                        .append("    targets: ")
                        .append(route.targets().stream()
                                .map(t -> Setting.quote(t.provider() + ":" + t.model()))
                                .toList())
                        .append('\n')
                        .append("    weights: ")
                        .append(route.targets().stream().map(t -> t.weight()).toList())
                        .append('\n')
                        .append("    balance: ")
                        .append(ValueType.BALANCE.format(route.balance()))
                        .append('\n');
                if (route.continuation() != null) {
                    sb.append("    continuation: ").append(route.continuation()).append('\n');
                }
                if (!route.onContextLength().isEmpty()) {
                    sb.append("    on-context-length: ")
                            .append(route.onContextLength().stream()
                                    .map(t -> Setting.quote(t.provider() + ":" + t.model()))
                                    .toList())
                            .append('\n');
                }
            }
        }
    }

    private static String value(Registry.Entry e, Object v) {
        return switch (e.type()) {
            case SECRET -> ((Secret) v).isEmpty() ? "\"\"  # not set" : "\"****\"  # redacted";
            case SECRET_LIST -> secrets((List<?>) v);
            case DEMO_MODE -> "\"" + e.type().format(v) + "\"";
            default -> plain(e.type().format(v));
        };
    }

    private static String secrets(List<?> keys) {
        if (keys.isEmpty()) {
            return "[]  # any client key accepted";
        }
        return keys.stream().map(k -> "\"****\"").toList().toString() + "  # " + keys.size()
                + (keys.size() == 1 ? " key" : " keys") + ", redacted";
    }

    /** The value bare when YAML reads it back as the same text, else double-quoted. */
    private static String plain(String s) {
        if (s.matches("[A-Za-z0-9_./-][A-Za-z0-9_./:-]*") && !s.endsWith(":")) {
            return s;
        }
        return Setting.quote(s);
    }
}
