package dev.sluice.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * What a JFR recording of Sluice says about its cost: CPU samples by the method on top of the stack (self time)
 * and by the first Sluice method under it (which of our calls led there), and sampled allocation weight by
 * allocation site and by first Sluice method.
 */
final class JfrSummary {

    /** Methods of this package prefix are Sluice's own. */
    static final String OURS = "dev.sluice.";

    private final Map<String, Long> selfSamples = new HashMap<>();
    private final Map<String, Long> sluiceSamples = new HashMap<>();
    private final Map<String, Long> allocSites = new HashMap<>();
    private final Map<String, Long> sluiceAllocs = new HashMap<>();
    private long samples;
    private long allocBytes;

    private JfrSummary() {}

    static JfrSummary read(Path recording) throws IOException {
        JfrSummary s = new JfrSummary();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                s.add(file.readEvent());
            }
        }
        return s;
    }

    private void add(RecordedEvent e) {
        String type = e.getEventType().getName();
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = stack.getFrames();
        if (type.equals("jdk.ExecutionSample")) {
            samples++;
            selfSamples.merge(name(frames.get(0)), 1L, Long::sum);
            sluiceSamples.merge(firstSluice(frames), 1L, Long::sum);
        } else if (type.equals("jdk.ObjectAllocationSample")) {
            long weight = e.getLong("weight");
            allocBytes += weight;
            String objectClass = e.getClass("objectClass").getName();
            allocSites.merge(name(frames.get(0)) + " (" + objectClass + ")", weight, Long::sum);
            sluiceAllocs.merge(firstSluice(frames), weight, Long::sum);
        }
    }

    long samples() {
        return samples;
    }

    long allocationBytes() {
        return allocBytes;
    }

    /** The Markdown tables, {@code top} rows each; {@code requests} turns allocation weight into bytes per request. */
    String markdown(int top, long requests) {
        StringBuilder md = new StringBuilder();
        md.append("### CPU samples by method on top of the stack (self)\n\n");
        table(md, selfSamples, samples, top, "samples", null);
        md.append("\n### CPU samples by first Sluice method on the stack\n\n");
        table(md, sluiceSamples, samples, top, "samples", null);
        md.append(String.format(
                Locale.ROOT,
                "%n### Allocation by site (sampled weight; %,.0f bytes per request in all)%n%n",
                requests == 0 ? 0.0 : (double) allocBytes / requests));
        table(md, allocSites, allocBytes, top, "bytes/request", requests);
        md.append("\n### Allocation by first Sluice method on the stack\n\n");
        table(md, sluiceAllocs, allocBytes, top, "bytes/request", requests);
        return md.toString();
    }

    private static void table(
            StringBuilder md, Map<String, Long> counts, long total, int top, String unit, Long requests) {
        md.append("| | ").append(unit).append(" | share |\n|---|--:|--:|\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> md.append(String.format(
                        Locale.ROOT,
                        "| `%s` | %s | %.1f%% |%n",
                        e.getKey(),
                        requests == null
                                ? String.format(Locale.ROOT, "%,d", e.getValue())
                                : String.format(
                                        Locale.ROOT, "%,.0f", requests == 0 ? 0.0 : (double) e.getValue() / requests),
                        total == 0 ? 0.0 : 100.0 * e.getValue() / total)));
    }

    /** The first of our methods from the top of the stack, or {@code (no Sluice frame)} for threads of libraries only. */
    static String firstSluice(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            RecordedMethod m = f.getMethod();
            if (m != null && m.getType() != null && m.getType().getName().startsWith(OURS)) {
                return name(f);
            }
        }
        return "(no Sluice frame)";
    }

    static String name(RecordedFrame f) {
        RecordedMethod m = f.getMethod();
        if (m == null || m.getType() == null) {
            return "(unknown)";
        }
        String type = m.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
    }
}
