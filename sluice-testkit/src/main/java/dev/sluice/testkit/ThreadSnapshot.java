package dev.sluice.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The live non-daemon platform threads at one moment, by id (thread ids are never reused).
 * Virtual threads are always daemon threads, so they never count.
 */
final class ThreadSnapshot {

    private static final int FRAMES_SHOWN = 5;

    private final Set<Long> ids;

    private ThreadSnapshot(Set<Long> ids) {
        this.ids = ids;
    }

    static ThreadSnapshot take() {
        return new ThreadSnapshot(
                liveNonDaemon().stream().map(Thread::threadId).collect(Collectors.toUnmodifiableSet()));
    }

    /** Live non-daemon threads that were not live when the snapshot was taken. */
    List<Thread> newThreads() {
        List<Thread> fresh = new ArrayList<>();
        for (Thread thread : liveNonDaemon()) {
            if (!ids.contains(thread.threadId())) {
                fresh.add(thread);
            }
        }
        return fresh;
    }

    /** {@code "name" (id 42, WAITING)} followed by its top stack frames, one per line. */
    static String describe(Thread thread) {
        StringBuilder text = new StringBuilder()
                .append('"')
                .append(thread.getName())
                .append("\" (id ")
                .append(thread.threadId())
                .append(", ")
                .append(thread.getState())
                .append(')');
        StackTraceElement[] frames = thread.getStackTrace();
        for (int i = 0; i < Math.min(FRAMES_SHOWN, frames.length); i++) {
            text.append("\n      at ").append(frames[i]);
        }
        if (frames.length > FRAMES_SHOWN) {
            text.append("\n      ... ").append(frames.length - FRAMES_SHOWN).append(" more");
        }
        return text.toString();
    }

    private static List<Thread> liveNonDaemon() {
        List<Thread> live = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (!thread.isDaemon() && thread.isAlive()) {
                live.add(thread);
            }
        }
        return live;
    }
}
