package dev.sluice.gateway.context;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shutdown state machine and the set of requests that can be told to end early. The set holds
 * at most one entry per admitted request, so it is bounded by the admission limit.
 */
public final class Drain {

    /** Where the server is in its life. */
    public enum Phase {
        STARTING,
        SERVING,
        PRE_DRAIN,
        DRAINING,
        STOPPED
    }

    /** A request that can be ended at the drain deadline. */
    public interface Terminable {
        void terminate(String reason);
    }

    private final Set<Terminable> active = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.STARTING;

    public Phase phase() {
        return phase;
    }

    public void phase(Phase next) {
        phase = next;
    }

    /** Ready for traffic: readiness probes answer 200 only in this phase. */
    public boolean ready() {
        return phase == Phase.SERVING;
    }

    /** New requests are still served while serving and during the pre-drain delay. */
    public boolean accepting() {
        return phase == Phase.SERVING || phase == Phase.PRE_DRAIN;
    }

    /** Removes the tracked request when closed; closing never throws. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    public Registration track(Terminable t) {
        active.add(t);
        return () -> active.remove(t);
    }

    /** Ends every tracked request: streams get a terminal error event, pending calls are aborted. */
    public int terminateAll(String reason) {
        int n = 0;
        for (Terminable t : active) {
            t.terminate(reason);
            n++;
        }
        return n;
    }

    public int tracked() {
        return active.size();
    }
}
