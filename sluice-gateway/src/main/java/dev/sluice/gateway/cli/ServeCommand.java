package dev.sluice.gateway.cli;

import dev.sluice.gateway.Sluice;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.SluiceConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice serve}: runs the gateway until SIGTERM/SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the gateway.")
final class ServeCommand implements Callable<Integer> {
    private final SluiceCli cli;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--port", paramLabel = "N", description = "listen port (server.port)")
    @Nullable
    String port;

    @Option(names = "--host", paramLabel = "H", description = "listen address (server.host)")
    @Nullable
    String host;

    @Option(
            names = "--demo",
            description = "use the built-in fake provider as the upstream; same as --set demo.mode=on")
    boolean demo;

    @Spec
    CommandSpec spec;

    ServeCommand(SluiceCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        SluiceConfig config;
        try {
            config = options.load(cli, flags());
        } catch (ConfigException e) {
            return ConfigCheckCommand.reportInvalid(err, e);
        }
        Sluice sluice;
        try {
            dev.sluice.gateway.logging.LogSetup.apply(config.log().json());
            sluice = Sluice.start(config);
        } catch (Exception e) {
            err.println("sluice: could not start: " + causes(e));
            err.flush();
            return 1;
        }
        ShutdownSignals.install(sluice::close);
        PrintWriter out = spec.commandLine().getOut();
        out.println(listening(sluice.baseUri(), config));
        out.flush();
        sluice.awaitClosed();
        return 0;
    }

    /** The dedicated flags as config keys; they win over --set. */
    Map<String, String> flags() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (port != null) {
            flags.put("server.port", port);
        }
        if (host != null) {
            flags.put("server.host", host);
        }
        if (demo) {
            flags.put("demo.mode", "on");
        }
        return flags;
    }

    /** {@code t} and its causes, one after another: the reason without a stack trace. */
    static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            sb.append("; caused by ").append(c);
        }
        return sb.toString();
    }

    static String listening(URI base, SluiceConfig config) {
        String target = config.demo().enabled()
                ? " (demo mode: built-in fake provider)"
                : " -> "
                        + config.routing().providers().values().stream()
                                .map(p -> p.name() + " (" + p.kind().id() + " " + p.url() + ")")
                                .collect(java.util.stream.Collectors.joining(", "));
        return "Sluice listening on " + base + target;
    }
}
