package dev.sluice.gateway.logging;

/** The id of the request the current thread is handling, for log lines (set and cleared by the request path). */
public final class RequestIds {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private RequestIds() {}

    public static String current() {
        return CURRENT.get();
    }

    /** Clears the id when closed. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** Sets the id for this thread; the returned handle clears it. */
    public static Binding bind(String id) {
        CURRENT.set(id);
        return CURRENT::remove;
    }
}
