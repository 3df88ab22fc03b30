package dev.sluice.gateway.proxy;

import dev.sluice.gateway.auth.Principal;
import dev.sluice.gateway.edge.ClientGoneWatch;
import dev.sluice.gateway.translate.Dialect;
import dev.sluice.gateway.translate.Usage;
import java.util.ArrayList;
import java.util.List;

/** What the access log tells about one request beyond method and status: dialect, stream, targets tried. */
final class RequestInfo {
    final String id;
    final Dialect client;
    boolean stream;
    String model = "";
    final List<String> tried = new ArrayList<>(3);
    /** The target that answered (provider/model), once one did. */
    String provider = "";
    String upstreamModel = "";
    /** Real usage reported by the upstream, {@link Usage#NONE} when it reported none. */
    Usage usage = Usage.NONE;
    /** When the first byte of the answer went to the client (System.nanoTime), 0 if never. */
    long firstByteNanos;
    /** Who sent it, once authenticated. */
    Principal principal;
    /** Whether the answer came from the response cache. */
    boolean cacheHit;
    /** Watches the client's connection while a whole answer is prepared; {@link ClientGoneWatch#NONE} otherwise. */
    ClientGoneWatch clientGone = ClientGoneWatch.NONE;

    RequestInfo(String id, Dialect client) {
        this.id = id;
        this.client = client;
    }
}
