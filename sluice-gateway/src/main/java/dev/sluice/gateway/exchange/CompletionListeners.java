package dev.sluice.gateway.exchange;

import java.util.List;

/**
 * The listeners fixed at startup, told in order. One that throws is logged and the rest are still told:
 * a broken metric must not cost a usage record (which is billing) or an access-log line.
 */
public final class CompletionListeners implements CompletionListener {

    private static final System.Logger LOG = System.getLogger("sluice.request");
    private final List<CompletionListener> listeners;

    public CompletionListeners(List<CompletionListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void completed(Completion c) {
        for (CompletionListener l : listeners) {
            try {
                l.completed(c);
            } catch (RuntimeException e) {
                // Errors (out of memory, ...) still propagate: they are not one listener's problem
                LOG.log(
                        System.Logger.Level.ERROR,
                        "completion listener " + l.getClass().getName() + " failed for request " + c.id(),
                        e);
            }
        }
    }
}
