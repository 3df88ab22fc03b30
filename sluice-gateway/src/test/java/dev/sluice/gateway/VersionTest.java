package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.gateway.cli.SluiceCli;
import dev.sluice.gateway.cli.Version;
import dev.sluice.testkit.FakeProviderExtension;
import dev.sluice.testkit.LeakChecked;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code sluice version} and {@code /system/stats} report the version of the build: the pom's version, put
 * into version.properties by Maven resource filtering (surefire passes the same value as sluice.project.version).
 */
@LeakChecked
class VersionTest {

    @RegisterExtension
    @Order(1)
    static final FakeProviderExtension FAKE = FakeProviderExtension.create();

    @RegisterExtension
    @Order(2)
    static final SluiceExtension SLUICE = SluiceExtension.against(FAKE);

    static String projectVersion;

    @BeforeAll
    static void projectVersion() {
        projectVersion = System.getProperty("sluice.project.version");
        assertThat(projectVersion)
                .as("sluice.project.version, set by surefire in sluice-gateway/pom.xml")
                .isNotBlank()
                .doesNotContain("${");
    }

    @Test
    void theVersionIsTheProjectVersion() {
        assertThat(Version.current()).isEqualTo(projectVersion);
    }

    @Test
    void sluiceVersionPrintsIt() throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SluiceCli.class.getName(),
                        "version")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.strip()).isEqualTo("sluice " + projectVersion);
    }

    @Test
    void systemStatsReportsIt() throws Exception {
        String body = Http.get(SLUICE.baseUri(), "/system/stats").body();
        assertThat(new ObjectMapper().readTree(body).path("version").asText()).isEqualTo(projectVersion);
    }
}
