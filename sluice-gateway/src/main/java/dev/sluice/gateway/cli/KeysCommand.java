package dev.sluice.gateway.cli;

import dev.sluice.gateway.auth.ApiKey;
import dev.sluice.gateway.auth.KeyPolicy;
import dev.sluice.gateway.auth.KeyStore;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.store.Store;
import dev.sluice.gateway.store.StoreSettings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice keys create|list|revoke}: client keys in the configured store (store.url). */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        synopsisSubcommandLabel = "COMMAND",
        description = "Create, list and revoke client API keys in the store (store.url).")
final class KeysCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    /** Opens the store from the config; the caller closes it. */
    static Store open(SluiceCli cli, ConfigOptions options) throws ConfigException {
        SluiceConfig.Store s = options.load(cli, Map.of()).store();
        return Store.open(new StoreSettings(
                s.url(), s.user(), s.password().reveal(), 2, s.connectionTimeout(), s.leakDetection()));
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; it is shown only once.")
    static final class Create implements Callable<Integer> {
        private final SluiceCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, description = "what the key is for")
        @SuppressWarnings("NullAway.Init") // a required option: picocli sets it or refuses the command line
        String name;

        @Option(names = "--tenant", description = "tenant (cache and usage scope); default: the name")
        @Nullable
        String tenant;

        @Option(names = "--models", split = ",", description = "models it may use; default: all")
        List<String> models = List.of();

        @Option(names = "--rpm", description = "requests per minute (0: unlimited)")
        int rpm;

        @Option(names = "--tpm", description = "tokens per minute (0: unlimited)")
        int tpm;

        @Option(names = "--concurrency", description = "concurrent requests (0: unlimited)")
        int concurrency;

        @Option(names = "--budget-tokens", description = "tokens per budget period (0: unlimited)")
        long budget;

        @Option(names = "--budget-period", description = "none, day or month")
        KeyPolicy.BudgetPeriod period = KeyPolicy.BudgetPeriod.NONE;

        @Option(names = "--priority", description = "interactive or batch")
        String priority = "interactive";

        @Option(names = "--max-output-tokens", description = "largest max_tokens it may ask for (0: none)")
        int maxOutputTokens;

        Create(SluiceCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            if (!priority.equals("interactive") && !priority.equals("batch")) {
                spec.commandLine().getErr().println("sluice: --priority must be interactive or batch");
                return CommandLine.ExitCode.USAGE;
            }
            try (Store store = open(cli, options)) {
                KeyStore.CreatedKey k = new KeyStore(store.dataSource())
                        .create(
                                name,
                                tenant == null ? name : tenant,
                                new KeyPolicy(
                                        models, rpm, tpm, concurrency, budget, period, priority, maxOutputTokens));
                PrintWriter out = spec.commandLine().getOut();
                out.println("id:  " + k.key().id());
                out.println("key: " + k.plaintext());
                out.println("Store the key now: Sluice keeps only its hash and cannot show it again.");
                out.flush();
                return 0;
            } catch (ConfigException e) {
                return ConfigCheckCommand.reportInvalid(spec.commandLine().getErr(), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        private final SluiceCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Spec
        CommandLine.Model.CommandSpec spec;

        ListKeys(SluiceCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            try (Store store = open(cli, options)) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf(
                        "%-22s %-16s %-12s %-16s %-24s %-8s %s%n",
                        "ID", "NAME", "TENANT", "PREFIX", "CREATED", "REVOKED", "LIMITS");
                for (ApiKey k : new KeyStore(store.dataSource()).list()) {
                    KeyPolicy p = k.policy();
                    out.printf(
                            "%-22s %-16s %-12s %-16s %-24s %-8s rpm=%d tpm=%d conc=%d budget=%d/%s models=%s%n",
                            k.id(),
                            k.name(),
                            k.tenant(),
                            k.prefix() + "...",
                            Instant.ofEpochMilli(k.createdAt()),
                            k.revoked() ? "yes" : "no",
                            p.requestsPerMinute(),
                            p.tokensPerMinute(),
                            p.maxConcurrent(),
                            p.budgetTokens(),
                            p.period().name().toLowerCase(Locale.ROOT),
                            p.allowedModels().isEmpty() ? "all" : String.join(",", p.allowedModels()));
                }
                out.flush();
                return 0;
            } catch (ConfigException e) {
                return ConfigCheckCommand.reportInvalid(spec.commandLine().getErr(), e);
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
    static final class Revoke implements Callable<Integer> {
        private final SluiceCli cli;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "the key's id (key_...)")
        @SuppressWarnings("NullAway.Init") // a required parameter: picocli sets it or refuses the command line
        String id;

        Revoke(SluiceCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            try (Store store = open(cli, options)) {
                if (!new KeyStore(store.dataSource()).revoke(id)) {
                    spec.commandLine().getErr().println("sluice: no active key with id " + id);
                    return 1;
                }
                spec.commandLine()
                        .getOut()
                        .println("revoked " + id + " (running instances stop accepting it within auth.cache-ttl)");
                return 0;
            } catch (ConfigException e) {
                return ConfigCheckCommand.reportInvalid(spec.commandLine().getErr(), e);
            }
        }
    }
}
