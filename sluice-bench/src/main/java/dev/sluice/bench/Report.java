package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** The overload run as JSON (every figure) and as a Markdown table with its context. */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OverloadScenario.Result result;
    private final Machine machine;
    private final String command;
    private final List<Targets.Check> checks;

    Report(OverloadScenario.Result result, Machine machine, String command) {
        this.result = result;
        this.machine = machine;
        this.command = command;
        this.checks = Targets.check(result.phases());
    }

    String json() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", "overload");
        root.put("command", command);
        root.put("started", result.started().toString());
        root.put("finished", result.finished().toString());
        root.set("machine", JSON.valueToTree(machine));
        var s = result.settings();
        ObjectNode settings = root.putObject("settings");
        settings.put("slots", s.slots());
        settings.put("capacityPerSecond", s.capacityPerSecond());
        settings.put("phaseSeconds", s.phase().toSeconds());
        settings.put("baselineSeconds", s.baseline().toSeconds());
        settings.put("warmupSeconds", s.warmup().toSeconds());
        settings.put("maxOutstanding", s.maxOutstanding());
        settings.put("fakeDeltas", OverloadScenario.DELTAS);
        settings.put("fakeDeltaIntervalMs", OverloadScenario.DELTA_INTERVAL.toMillis());
        ObjectNode config = root.putObject("sluiceConfig");
        result.config().forEach(config::put);
        result.skippedKeys().forEach(root.putArray("skippedConfigKeys")::add);
        result.heapSources().forEach(root.putArray("heapFloorSources")::add);
        root.put("drained", result.drained());
        ArrayNode phases = root.putArray("phases");
        for (PhaseSummary p : result.phases()) {
            phases.add(phase(p));
        }
        ArrayNode targets = root.putArray("targets");
        for (Targets.Check c : checks) {
            ObjectNode t = targets.addObject();
            t.put("target", c.target());
            t.put("measured", c.measured());
            t.put("verdict", c.verdict());
        }
        ArrayNode heap = root.putArray("heapSamples");
        for (HeapSampler.Sample h : result.heapSamples()) {
            ObjectNode n = heap.addObject();
            n.put("atSeconds", round((h.atNanos() - result.runStartNanos()) / 1e9, 3));
            n.put("floorBytes", h.floorBytes());
            n.put("source", h.source());
            n.put("inFlight", h.inFlight());
        }
        root.set("finalSystemStats", parse(result.finalStats()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static ObjectNode phase(PhaseSummary p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", p.phase().name());
        n.put("kind", p.phase().kind().name().toLowerCase(Locale.ROOT));
        n.put("loadFactor", p.phase().loadFactor());
        n.put("seconds", p.phase().length().toSeconds());
        n.put("offeredPerSecond", round(p.offeredPerSecond(), 3));
        n.put("sent", p.sent());
        n.put("completed", p.completed());
        n.put("shed", p.shed());
        n.put("shedByUpstream", p.shedByUpstream());
        n.put("errors", p.errors());
        n.put("clientOverflow", p.clientOverflow());
        n.put("goodputPerSecond", round(p.goodputPerSecond(), 3));
        n.put("goodputOfCapacity", round(p.goodputOfCapacity(), 4));
        n.set("endToEndMs", JSON.valueToTree(p.endToEnd()));
        n.set("firstEventMs", JSON.valueToTree(p.firstEvent()));
        n.set("shedAnswerMs", JSON.valueToTree(p.shedAnswer()));
        n.set("sendLagMs", JSON.valueToTree(p.sendLag()));
        put(n, "lastShedAfterSeconds", p.lastShedAfter());
        put(n, "heapFloorMiB", p.heapFloorMiB());
        ObjectNode errors = n.putObject("errorKinds");
        p.errorKinds().forEach(errors::put);
        return n;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        var s = result.settings();
        md.append(String.format(
                "Overload, S = %d slots, C = %.1f req/s, %d s per phase (baseline %d s, warm-up %d s)%n%n",
                s.slots(),
                s.capacityPerSecond(),
                s.phase().toSeconds(),
                s.baseline().toSeconds(),
                s.warmup().toSeconds()));
        md.append(
                "| phase | offered req/s | goodput req/s | goodput / C | completed | shed (by upstream) | errors "
                        + "| admitted end-to-end p50 / p99 / max ms | first event p50 / p99 / max ms | shed p99 ms | heap floor MiB |\n");
        md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (PhaseSummary p : result.phases()) {
            md.append(String.format(
                    "| %s | %.1f | %.2f | %.1f%% | %d | %d (%d) | %d | %s | %s | %s | %s |%n",
                    p.phase().name(),
                    p.offeredPerSecond(),
                    p.goodputPerSecond(),
                    100 * p.goodputOfCapacity(),
                    p.completed(),
                    p.shed(),
                    p.shedByUpstream(),
                    p.errors() + p.clientOverflow(),
                    triple(p.endToEnd()),
                    triple(p.firstEvent()),
                    p.shedAnswer().count() == 0
                            ? "–"
                            : String.format("%.1f", p.shedAnswer().p99Ms()),
                    mib(p.heapFloorMiB())));
        }
        md.append('\n');
        result.phases().stream()
                .filter(p -> p.phase().kind() == Phase.Kind.BASELINE)
                .findFirst()
                .ifPresent(b -> md.append(String.format(
                        "- Baseline: admitted p99 at 0.8x C = %.0f ms.%n",
                        b.endToEnd().p99Ms())));
        result.phases().stream()
                .filter(p -> p.phase().kind() == Phase.Kind.RECOVERY)
                .findFirst()
                .ifPresent(r -> md.append(
                        r.lastShedAfter().isPresent()
                                ? String.format(
                                        "- Recovery: shedding stopped after %.2f s (last shed answer of a recovery-phase request).%n",
                                        r.lastShedAfter().getAsDouble())
                                : "- Recovery: no recovery-phase request was shed.\n"));
        md.append("\nTargets:\n\n");
        for (Targets.Check c : checks) {
            md.append("- ")
                    .append(c.verdict())
                    .append(" — ")
                    .append(c.target())
                    .append(": ")
                    .append(c.measured())
                    .append('\n');
        }
        md.append('\n');
        md.append("- Heap floor from: ")
                .append(result.heapSources().isEmpty() ? "no sample" : String.join("; ", result.heapSources()))
                .append(" (Sluice, the fake provider and the load generator share one JVM).\n");
        double lag = result.phases().stream()
                .mapToDouble(p -> p.sendLag().maxMs())
                .max()
                .orElse(0);
        long overflow =
                result.phases().stream().mapToLong(PhaseSummary::clientOverflow).sum();
        md.append(String.format(
                "- Client: max send lag %.1f ms, client overflows %d, all requests ended: %s.%n",
                lag, overflow, result.drained() ? "yes" : "no (open ones counted as errors)"));
        md.append("- Sluice settings: ")
                .append(result.config())
                .append(result.skippedKeys().isEmpty() ? "" : "; skipped (no such key): " + result.skippedKeys())
                .append('\n');
        md.append("- Command: `").append(command).append("`\n");
        md.append("- Machine: ").append(machine.describe()).append('\n');
        md.append("- JVM flags: `").append(String.join(" ", machine.jvmFlags())).append("`\n");
        md.append("- Run: ")
                .append(result.started())
                .append(", ")
                .append(Duration.between(result.started(), result.finished()).toSeconds())
                .append(" s\n");
        return md.toString();
    }

    List<Targets.Check> checks() {
        return checks;
    }

    private static String triple(PhaseSummary.Latency l) {
        return l.count() == 0 ? "–" : String.format("%.0f / %.0f / %.0f", l.p50Ms(), l.p99Ms(), l.maxMs());
    }

    private static String mib(OptionalDouble v) {
        return v.isPresent() ? String.format("%.1f", v.getAsDouble()) : "–";
    }

    private static void put(ObjectNode n, String field, OptionalDouble v) {
        if (v.isPresent()) {
            n.put(field, round(v.getAsDouble(), 3));
        } else {
            n.putNull(field);
        }
    }

    private static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    private static JsonNode parse(String text) {
        try {
            return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
