package dev.sluice.gateway.edge;

import java.lang.management.ManagementFactory;

/**
 * How many client connections the listener may hold: the configured number, capped so that client
 * connections alone can never exhaust the process's file descriptors. Helidon's listener stops for
 * good when {@code accept} fails with "Too many open files" ({@link ListenerProbe} restarts it, but
 * requests fail meanwhile), so the cap leaves room for what is open already (jars, the database),
 * every upstream pool at its bound counted twice (in demo mode the built-in provider's side of each
 * connection is in this process too) and a margin.
 */
public final class ConnectionLimit {

    private static final System.Logger LOG = System.getLogger("sluice.edge");
    private static final int FLOOR = 64;
    private static final int MARGIN = 64;

    private ConnectionLimit() {}

    /** The limit for {@code configured} under this process's descriptor limit, with {@code upstreamConnections} pooled. */
    public static int effective(int configured, long upstreamConnections) {
        if (!(ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean os)) {
            return configured;
        }
        return effective(
                configured, os.getMaxFileDescriptorCount(), os.getOpenFileDescriptorCount(), upstreamConnections);
    }

    static int effective(int configured, long descriptorLimit, long openNow, long upstreamConnections) {
        long room = descriptorLimit - openNow - 2 * upstreamConnections - MARGIN;
        long cap = Math.max(FLOOR, room);
        if (configured > cap) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "server.max-connections " + configured + " lowered to " + cap
                            + ": the process may open " + descriptorLimit + " files, " + openNow
                            + " are open and the upstream"
                            + " pools may take " + 2 * upstreamConnections + " (raise the limit with ulimit -n)");
            return (int) cap;
        }
        return configured;
    }
}
