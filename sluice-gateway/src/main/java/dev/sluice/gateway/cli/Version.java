package dev.sluice.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The build's version: the jar manifest, else the Maven pom.properties in the jar, else {@code dev}. */
final class Version {
    static final String POM_PROPERTIES = "/META-INF/maven/dev.sluice/sluice-gateway/pom.properties";

    private Version() {}

    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        if (v == null || v.isBlank()) {
            v = fromPomProperties();
        }
        return v == null || v.isBlank() ? "dev" : v;
    }

    private static String fromPomProperties() {
        try (InputStream in = Version.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    /** For {@code sluice --version}. */
    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sluice " + current()};
        }
    }
}
