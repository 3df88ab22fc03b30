package dev.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice keys create|list|revoke} and {@code sluice usage} against a store in a temp directory. */
class KeysAndUsageCommandTest {

    @TempDir
    Path dir;

    CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--set";
        all[args.length + 1] = "store.url=jdbc:sqlite:" + dir.resolve("sluice.db");
        return CliRun.run(Map.of(), dir, all);
    }

    @Test
    void createShowsTheKeyOnceListNeverShowsItRevokeWorksOnce() {
        CliRun created =
                run("keys", "create", "--name", "ci-bot", "--tenant", "acme", "--models", "a,b", "--rpm", "60");
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher key = Pattern.compile("key: (sk-sluice-\\w+)").matcher(created.out());
        Matcher id = Pattern.compile("id:  (key_\\w+)").matcher(created.out());
        assertThat(key.find()).isTrue();
        assertThat(id.find()).isTrue();
        assertThat(created.out()).contains("cannot show it again");

        CliRun list = run("keys", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out())
                .contains(id.group(1), "ci-bot", "acme", "rpm=60", "models=a,b")
                .doesNotContain(key.group(1));

        assertThat(run("keys", "revoke", id.group(1)).exitCode()).isZero();
        CliRun again = run("keys", "revoke", id.group(1));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no active key");
        assertThat(run("keys", "list").out()).contains("yes");
    }

    @Test
    void usageNeedsExactlyOneSubjectAndPrintsTotals() {
        assertThat(run("usage").exitCode()).isEqualTo(2);
        CliRun usage = run("usage", "--tenant", "acme", "--since", "2026-11-01");
        assertThat(usage.exitCode()).as(usage.err()).isZero();
        assertThat(usage.out()).contains("TOTAL", "REQUESTS");
    }

    @Test
    void aBadPriorityIsAUsageError() {
        assertThat(run("keys", "create", "--name", "x", "--priority", "urgent").exitCode())
                .isEqualTo(2);
    }
}
