package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.LeakChecked;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each scenario command, in a few seconds' form, end to end: Sluice in its own JVM, the fake provider
 * and the load in this one; the JSON, Markdown and PNG are written and say what happened.
 */
@LeakChecked
class ScenarioCommandsTest {
    @TempDir
    Path out;

    JsonNode run(Object command, String name, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        assertThat(new CommandLine(command).execute(all))
                .as(name + " exit code")
                .isZero();
        assertThat(out.resolve(name + ".md")).isNotEmptyFile();
        assertThat(out.resolve(name + ".png")).isNotEmptyFile();
        JsonNode json = Output.JSON.readTree(Files.readString(out.resolve(name + ".json")));
        assertThat(json.path("scenario").asText()).isEqualTo(name);
        assertThat(json.path("sluiceProcess").path("jvmFlags").size()).isPositive();
        return json;
    }

    @Test
    void overheadMeasuresEveryCaseOnBothPaths() throws Exception {
        JsonNode json = run(new OverheadCommand(), "overhead", "--rounds", "2", "--per-round", "20", "--warmup", "20");
        assertThat(json.path("cases").size()).isEqualTo(OverheadCommand.CASES.size());
        for (JsonNode c : json.path("cases")) {
            assertThat(c.path("directMicros").path("count").asLong()).isEqualTo(40);
            assertThat(c.path("sluiceMicros").path("count").asLong()).isEqualTo(40);
            assertThat(c.path("sluiceMicros").path("p50").asLong()).isPositive();
        }
    }

    @Test
    void overheadMeasuresAGatewayItDidNotStartAtTheGivenUrl() throws Exception {
        int fakePort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            fakePort = free.getLocalPort();
        }
        try (SluiceProcess gateway = SluiceProcess.start(
                List.of("-Xmx256m"),
                Map.of("upstream.url", "http://127.0.0.1:" + fakePort, "upstream.api-key", "bench"))) {
            String[] args = {
                "--target",
                gateway.baseUri().toString(),
                "--fake-port",
                Integer.toString(fakePort),
                "--rounds",
                "1",
                "--per-round",
                "10",
                "--warmup",
                "5",
                "--out",
                out.toString()
            };
            assertThat(new CommandLine(new OverheadCommand()).execute(args)).isZero();
            JsonNode json = Output.JSON.readTree(Files.readString(out.resolve("overhead.json")));
            assertThat(json.path("target").asText()).isEqualTo(gateway.baseUri().toString());
            assertThat(json.has("sluiceProcess"))
                    .as("no Sluice started by the command")
                    .isFalse();
            for (JsonNode c : json.path("cases")) {
                assertThat(c.path("sluiceMicros").path("count").asLong()).isEqualTo(10);
            }
            assertThat(Files.readString(out.resolve("overhead.md"))).contains("through target", "already running");
            // every measured request went through the gateway the test started: its own count says so
            assertThat(gateway.stats().path("admission").path("admitted").asLong())
                    .isGreaterThanOrEqualTo(3 * 15);
        }
    }

    @Test
    void aTargetOffLoopbackIsRefused() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = new CommandLine(new ThroughputCommand()).setErr(new java.io.PrintWriter(err));
        int code = cli.execute("--target", "http://192.0.2.1:8080", "--out", out.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("only sends to loopback");
        assertThat(out.resolve("throughput.json")).doesNotExist();
    }

    @Test
    void throughputRampsBothPaths() throws Exception {
        JsonNode json = run(
                new ThroughputCommand(), "throughput", "--start-rate", "20", "--step-seconds", "1", "--max-steps", "2");
        for (String path : new String[] {"direct", "sluice"}) {
            assertThat(json.path(path).size()).as(path).isBetween(1, 2);
            assertThat(json.path(path).get(0).path("completed").asLong())
                    .as(path)
                    .isEqualTo(20);
        }
        assertThat(json.path("sluiceMaxPerSecond").asDouble()).isPositive();
    }

    @Test
    void streamsAreRelayedWholeAndParkedStreamsAreWeighed() throws Exception {
        JsonNode json = run(
                new StreamsCommand(),
                "streams",
                "--levels",
                "10",
                "--level-seconds",
                "2",
                "--warmup-seconds",
                "1",
                "--parked",
                "50");
        JsonNode level = json.path("levels").get(0);
        assertThat(level.path("completed").asLong()).isGreaterThanOrEqualTo(10);
        assertThat(level.path("lost").asLong()).isZero();
        assertThat(level.path("errors").asLong()).isZero();
        assertThat(level.path("inFlightMax").asLong()).isPositive();
        JsonNode parked = json.path("parked");
        assertThat(parked.path("allOpened").asBoolean()).isTrue();
        assertThat(parked.path("sluiceInFlight").asLong()).isEqualTo(50);
        assertThat(parked.path("fdsParked").asLong())
                .isGreaterThan(parked.path("fdsBefore").asLong() + 50);
    }

    @Test
    void soakEndsIdleWithEveryRequestAccountedFor() throws Exception {
        JsonNode json = run(
                new SoakCommand(),
                "soak",
                "--requests",
                "2000",
                "--rate",
                "250",
                "--checkpoints",
                "3",
                "--idle-seconds",
                "3");
        assertThat(json.path("drained").asBoolean()).isTrue();
        assertThat(json.path("checkpoints").size()).isEqualTo(4);
        assertThat(json.path("idleAfter").path("inFlight").asLong()).isZero();
        // pooled upstream connections are read at each checkpoint (they close after Jetty's idle timeout, longer
        // than this short run's idle, so only the full soak shows them back at zero)
        assertThat(json.path("checkpoints").get(1).path("upstreamConnections").asLong())
                .as("read during the run")
                .isPositive();
        JsonNode o = json.path("outcomes");
        assertThat(o.path("completed").asLong()).isGreaterThan(1000);
        assertThat(o.path("disconnected").asLong()).isPositive();
        assertThat(o.path("completed").asLong()
                        + o.path("disconnected").asLong()
                        + o.path("shed").asLong()
                        + o.path("errors").asLong()
                        + o.path("clientOverflow").asLong())
                .isEqualTo(1998); // 3 x 666
    }
}
