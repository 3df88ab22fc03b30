package dev.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.internal.chartpart.Chart;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** What every scenario command shares: its options, the report's context, and writing NAME.json, .md and .png. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The options every scenario takes (a picocli mixin). */
    static final class Options {
        @Option(
                names = "--out",
                paramLabel = "DIR",
                defaultValue = "${sys:sluice.bench.out:-docs/bench}",
                description = "where the JSON, Markdown and PNG go (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(
                names = "--sluice-jvm-flags",
                paramLabel = "FLAGS",
                defaultValue = "-Xmx1g -XX:+UseG1GC",
                description = "JVM flags of the Sluice process, space-separated (default: ${DEFAULT-VALUE})")
        String sluiceJvmFlags;

        @Option(
                names = "--sluice-cpus",
                paramLabel = "LIST",
                defaultValue = "",
                description =
                        "pin the Sluice process to these CPUs (taskset -c LIST, e.g. 1); the launcher's --load-cpus"
                                + " pins the bench itself (load generator and fake)")
        String sluiceCpus;

        @Option(
                names = "--sluice-set",
                paramLabel = "KEY=VALUE",
                description = "an extra Sluice setting, after the scenario's own (repeatable)")
        Map<String, String> sluiceSettings = new LinkedHashMap<>();

        /** The scenario's Sluice settings, then the --sluice-set ones. */
        Map<String, String> settings(Map<String, String> scenario) {
            Map<String, String> all = new LinkedHashMap<>(scenario);
            all.putAll(sluiceSettings);
            return all;
        }

        List<String> jvmFlags() {
            return Arrays.stream(sluiceJvmFlags.trim().split("\\s+"))
                    .filter(f -> !f.isEmpty())
                    .toList();
        }
    }

    /**
     * For the scenarios that compare a gateway with the bare fake (overhead, throughput): aim them at a
     * gateway already running on loopback, e.g. a peer, routed to the bench's fake on a fixed port.
     */
    static final class Target {
        @Option(
                names = "--target",
                paramLabel = "URL",
                description = "measure a gateway already running at this loopback URL (routed to the bench's fake at "
                        + "--fake-port) instead of starting Sluice")
        URI url;

        @Option(
                names = "--fake-port",
                paramLabel = "P",
                defaultValue = "0",
                description =
                        "the bench's fake provider listens here, for a --target gateway to route to (default: any free port)")
        int fakePort;

        /** Refuses a gateway that is not on loopback, before anything starts. */
        void requireLoopback() {
            if (url != null) {
                TrafficClient.requireLoopback(url);
            }
        }

        /** Null when a gateway is given, else a Sluice started with the options' flags and these settings. */
        SluiceProcess startSluiceUnlessTargeted(Options options, Map<String, String> settings)
                throws IOException, InterruptedException {
            if (url != null) {
                return null;
            }
            return SluiceProcess.start(options.jvmFlags(), options.settings(settings), options.sluiceCpus);
        }

        /** The gateway measured: the given URL, else the started Sluice. */
        URI gateway(SluiceProcess sluice) {
            return url != null ? url : sluice.baseUri();
        }

        /** How reports name the gateway path. */
        String label() {
            return url != null ? "target" : "Sluice";
        }
    }

    private Output() {}

    /** {@link #root} plus, for a gateway the bench did not start, its URL. */
    static ObjectNode root(
            String scenario, String command, Instant started, Machine machine, SluiceProcess sluice, Target target) {
        ObjectNode root = root(scenario, command, started, machine, sluice);
        if (target.url != null) {
            root.put("target", target.url.toString());
        }
        return root;
    }

    /** {@link #context} plus, for a gateway the bench did not start, its URL. */
    static String context(String command, Machine machine, SluiceProcess sluice, Target target) {
        String md = context(command, machine, sluice);
        return target.url == null
                ? md
                : md + "- Gateway: " + target.url + ", already running (not started by the bench)\n";
    }

    /** The launcher and arguments this run was started with. */
    static String commandLine(CommandSpec spec) {
        String launcher = System.getProperty("sluice.bench.launcher", "sluice-bench");
        return launcher + " "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    /** The report's common fields: scenario, command, times, machine and, when one ran, the Sluice process. */
    static ObjectNode root(String scenario, String command, Instant started, Machine machine, SluiceProcess sluice) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", scenario);
        root.put("command", command);
        root.put("started", started.toString());
        root.put("finished", Instant.now().toString());
        root.set("machine", JSON.valueToTree(machine));
        if (sluice != null) {
            ObjectNode s = root.putObject("sluiceProcess");
            sluice.jvmFlags().forEach(s.putArray("jvmFlags")::add);
            ObjectNode settings = s.putObject("settings");
            sluice.settings().forEach(settings::put);
        }
        return root;
    }

    /** The Markdown lines that say where and how a run was made. */
    static String context(String command, Machine machine, SluiceProcess sluice) {
        StringBuilder md = new StringBuilder();
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Machine: ").append(machine.describe()).append('\n');
        md.append("- Load generator and fake provider JVM flags: ")
                .append(machine.jvmFlags())
                .append('\n');
        md.append("- CPUs: Sluice ")
                .append(sluice == null || sluice.cpus().isEmpty() ? "any" : sluice.cpus())
                .append(", load generator and fake ")
                .append(Machine.allowedCpus())
                .append('\n');
        if (sluice != null) {
            md.append("- Sluice: its own JVM, flags ")
                    .append(sluice.jvmFlags())
                    .append(", settings ")
                    .append(sluice.settings().entrySet().stream()
                            .filter(e -> !e.getKey().equals("store.url"))
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList())
                    .append(" (store: a temporary SQLite file)\n");
        }
        return md.toString();
    }

    /** Writes {@code name}.json, .md and .png (when there are panels) into {@code dir} and prints the Markdown. */
    static void write(
            Path dir,
            String name,
            ObjectNode json,
            String markdown,
            List<? extends Chart<?, ?>> panels,
            PrintStream log)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve(name + ".json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + ".md"), markdown, StandardCharsets.UTF_8);
        if (!panels.isEmpty()) {
            Plots.save(dir.resolve(name + ".png"), panels);
        }
        System.out.print(markdown);
        System.out.flush();
        log.println("sluice-bench: wrote " + dir.resolve(name + ".json") + ", " + name + ".md"
                + (panels.isEmpty() ? "" : ", " + name + ".png"));
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
