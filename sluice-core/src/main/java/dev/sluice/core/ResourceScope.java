package dev.sluice.core;

import java.lang.System.Logger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cheap, per-request owner of everything the request holds: its permit, its upstream call, its
 * client stream, its timers. {@link #close()} releases them in reverse order of registration,
 * inline on the calling thread; a step that throws is logged and the remaining steps still run.
 *
 * <p>Thread-safe: the request thread and, say, a reader thread may both register and close. Close
 * is idempotent. Anything registered after close is closed at once, so nothing is ever lost.
 * Scopes are opened through {@link ScopeRegistry#open(String, String)}, which tracks the live ones.
 */
public final class ResourceScope implements AutoCloseable {

    private static final Logger LOG = System.getLogger(ResourceScope.class.getName());

    private final ScopeRegistry registry;
    private final String kind;
    private final String name;
    private final Instant openedAt;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private List<Step> steps = new ArrayList<>(4); // guarded by lock; emptied on close

    ResourceScope(ScopeRegistry registry, String kind, String name, Instant openedAt) {
        this.registry = registry;
        this.kind = kind;
        this.name = name;
        this.openedAt = openedAt;
    }

    /**
     * Registers {@code resource} to be closed with this scope and returns it. If the scope is
     * already closed, the resource is closed now (a failure is logged) and still returned.
     */
    public <T extends AutoCloseable> T own(String name, T resource) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(resource, "resource");
        add(new Step(name, resource));
        return resource;
    }

    /** Registers {@code action} to run on close; runs it now if the scope is already closed. */
    public void onClose(String name, Runnable action) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        add(new Step(name, action::run));
    }

    private void add(Step step) {
        lock.lock();
        try {
            if (!closed.get()) {
                steps.add(step);
                return;
            }
        } finally {
            lock.unlock();
        }
        step.run(this);
    }

    /**
     * Runs every registered step once, newest first, on this thread. Never throws: failures are
     * logged at WARNING. A second call (from any thread) does nothing.
     */
    @Override
    public void close() {
        List<Step> toRun;
        lock.lock();
        try {
            if (closed.getAndSet(true)) {
                return;
            }
            toRun = steps;
            steps = List.of();
        } finally {
            lock.unlock();
        }
        try {
            for (int i = toRun.size() - 1; i >= 0; i--) {
                toRun.get(i).run(this);
            }
        } finally {
            registry.closed(this);
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }

    private record Step(String name, AutoCloseable resource) {
        void run(ResourceScope scope) {
            Steps.closeLogged(LOG, resource, name + " in scope " + scope);
        }
    }
}
