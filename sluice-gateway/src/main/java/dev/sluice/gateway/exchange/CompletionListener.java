package dev.sluice.gateway.exchange;

/** Told of every finished client request, on the request's own thread: keep it short and never block. */
@FunctionalInterface
public interface CompletionListener {

    void completed(Completion c);
}
