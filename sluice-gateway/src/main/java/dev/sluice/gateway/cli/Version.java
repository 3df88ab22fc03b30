package dev.sluice.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The build's version, for {@code sluice version} and {@code /system/stats}: {@code version} in
 * {@value #RESOURCE}, which Maven fills in from the pom's version (resource filtering in sluice-gateway/pom.xml);
 * {@code dev} when the file is missing or was not filtered (classes compiled outside Maven).
 */
public final class Version {
    static final String RESOURCE = "/dev/sluice/gateway/version.properties";
    private static final String CURRENT = read();

    private Version() {}

    /** The version this build was made from, e.g. {@code 0.1.0-SNAPSHOT}, else {@code dev}. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.contains("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
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
