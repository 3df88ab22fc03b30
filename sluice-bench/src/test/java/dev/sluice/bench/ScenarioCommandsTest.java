package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.LeakChecked;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(new CommandLine(command).execute(all)).as(name + " exit code").isZero();
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
    void throughputRampsBothPaths() throws Exception {
        JsonNode json = run(new ThroughputCommand(), "throughput", "--start-rate", "20", "--step-seconds", "1",
                "--max-steps", "2");
        for (String path : new String[] {"direct", "sluice"}) {
            assertThat(json.path(path).size()).as(path).isBetween(1, 2);
            assertThat(json.path(path).get(0).path("completed").asLong()).as(path).isEqualTo(20);
        }
        assertThat(json.path("sluiceMaxPerSecond").asDouble()).isPositive();
    }

    @Test
    void streamsAreRelayedWholeAndParkedStreamsAreWeighed() throws Exception {
        JsonNode json = run(new StreamsCommand(), "streams", "--levels", "10", "--level-seconds", "2",
                "--warmup-seconds", "1", "--parked", "50");
        JsonNode level = json.path("levels").get(0);
        assertThat(level.path("completed").asLong()).isGreaterThanOrEqualTo(10);
        assertThat(level.path("lost").asLong()).isZero();
        assertThat(level.path("errors").asLong()).isZero();
        assertThat(level.path("inFlightMax").asLong()).isPositive();
        JsonNode parked = json.path("parked");
        assertThat(parked.path("allOpened").asBoolean()).isTrue();
        assertThat(parked.path("sluiceInFlight").asLong()).isEqualTo(50);
        assertThat(parked.path("fdsParked").asLong()).isGreaterThan(parked.path("fdsBefore").asLong() + 50);
    }

    @Test
    void soakEndsIdleWithEveryRequestAccountedFor() throws Exception {
        JsonNode json = run(new SoakCommand(), "soak", "--requests", "2000", "--rate", "250", "--checkpoints", "3",
                "--idle-seconds", "3");
        assertThat(json.path("drained").asBoolean()).isTrue();
        assertThat(json.path("checkpoints").size()).isEqualTo(4);
        assertThat(json.path("idleAfter").path("inFlight").asLong()).isZero();
        JsonNode o = json.path("outcomes");
        assertThat(o.path("completed").asLong()).isGreaterThan(1000);
        assertThat(o.path("disconnected").asLong()).isPositive();
        assertThat(o.path("completed").asLong() + o.path("disconnected").asLong() + o.path("shed").asLong()
                + o.path("errors").asLong() + o.path("clientOverflow").asLong()).isEqualTo(1998); // 3 x 666
    }
}
