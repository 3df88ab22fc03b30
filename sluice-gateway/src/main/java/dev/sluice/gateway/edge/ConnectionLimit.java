package dev.sluice.gateway.edge;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * How many client connections the listener may hold: the configured number, capped at half the
 * process's file-descriptor limit. Every client connection is a descriptor, and a proxied request
 * needs more (its upstream connection, and in demo mode the built-in provider's side of it), jars
 * and the database hold some too; Helidon's listener stops for good when {@code accept} fails with
 * "Too many open files", so the cap keeps idle clients from ever getting there.
 */
public final class ConnectionLimit {

    private static final System.Logger LOG = System.getLogger("sluice.edge");
    private static final int FLOOR = 64;

    private ConnectionLimit() {
    }

    /** The limit for {@code configured} under this process's descriptor limit. */
    public static int effective(int configured) {
        return effective(configured, descriptorLimit());
    }

    static int effective(int configured, OptionalLong descriptorLimit) {
        if (descriptorLimit.isEmpty()) {
            return configured;
        }
        long cap = Math.max(FLOOR, descriptorLimit.getAsLong() / 2);
        if (configured > cap) {
            LOG.log(System.Logger.Level.INFO, "server.max-connections " + configured + " lowered to " + cap
                    + ": half of this process's file-descriptor limit (" + descriptorLimit.getAsLong() + ")");
            return (int) cap;
        }
        return configured;
    }

    /** The process's open-file limit, when the platform tells it. */
    public static OptionalLong descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return OptionalLong.of(os.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }
}
