package dev.sluice.fake;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Plays an answer to the wire with its timing and its fault: streamed frame by frame, or whole. */
final class Player {
    static final String JSON = "application/json";

    private Player() {}

    static void play(Exchange ex, Dialect dialect, Conversation c, Answer answer, Plan plan, Fault fault) {
        ex.await(plan.latency());
        if (c.stream()) {
            int repeat = fault == Fault.BIG_EVENTS ? Math.min(c.maxTokens(), Plan.MAX_DELTAS) : 1;
            stream(ex, dialect, c, dialect.frames(c, answer), plan, fault, repeat);
        } else whole(ex, plan, fault, answer.outputTokens(), () -> dialect.body(c, answer), dialect.malformedBody());
    }

    /** A reply that is only ever whole (embeddings): the latency, then {@link #whole}. */
    static void playWhole(
            Exchange ex, Plan plan, Fault fault, int outputTokens, Supplier<String> answer, String malformed) {
        ex.await(plan.latency());
        whole(ex, plan, fault, outputTokens, answer, malformed);
    }

    /**
     * Frames before the first delta go out at once; the first delta waits the time to first token, each
     * later one the delta interval. After {@link Plan#strikeAt} deltas (half unless {@code -at-<N>} says),
     * stream-cut, stall, malformed, malformed-event and stream-error strike: before the next delta, or,
     * when N is all of them, before the frame after the last one. Each delta frame is written
     * {@code repeat} times (the big-events fault), paced like deltas.
     */
    static void stream(
            Exchange ex,
            Dialect dialect,
            Conversation c,
            List<Dialect.Frame> frames,
            Plan plan,
            Fault fault,
            int repeat) {
        int deltas = (int) frames.stream().filter(Dialect.Frame::delta).count();
        int strikeAt = plan.strikeAt(deltas);
        boolean struck = false;
        int seen = 0;
        ex.start(200, dialect.streamContentType());
        ex.header("cache-control", "no-cache");
        for (int i = 0; i < frames.size(); i++) {
            Dialect.Frame frame = frames.get(i);
            if (!struck && seen == strikeAt && (frame.delta() || (seen == deltas && i > 0))) {
                struck = true;
                switch (fault) {
                    case STREAM_CUT -> {
                        ex.cut();
                        return;
                    }
                    case STALL -> ex.await(plan.stall());
                    case MALFORMED, MALFORMED_EVENT -> ex.write(dialect.malformedFrame());
                    case STREAM_ERROR -> {
                        ex.finish(dialect.streamError(
                                c, ErrorKind.SERVER_ERROR, ErrorKind.SERVER_ERROR.defaultMessage, i));
                        return;
                    }
                    default -> {}
                }
            }
            if (i == frames.size() - 1) {
                ex.finish(fault == Fault.NO_TERMINATOR ? "" : frame.text());
                return;
            }
            if (frame.delta()) {
                ex.await(seen == 0 ? plan.ttft() : plan.deltaInterval());
                seen++;
                for (int r = 1; r < repeat; r++) {
                    ex.write(frame.text());
                    ex.await(plan.deltaInterval());
                }
            }
            ex.write(frame.text());
        }
    }

    /**
     * A non-streamed answer (a chat answer, embeddings) of {@code outputTokens} tokens takes as long as the
     * stream would have (time to first token, a delta interval per later token, the stall), then comes all
     * at once: the body, the {@code malformed} one, or half of it before the {@code stream-cut}
     * ({@code malformed-event}, {@code stream-error} and {@code -at-<N>} concern streams only).
     */
    static void whole(
            Exchange ex, Plan plan, Fault fault, int outputTokens, Supplier<String> answer, String malformed) {
        ex.await(plan.ttft());
        ex.await(plan.deltaInterval().multipliedBy(Math.max(0, outputTokens - 1)));
        if (fault == Fault.STALL) ex.await(plan.stall());
        String body = fault == Fault.MALFORMED ? malformed : answer.get();
        if (fault == Fault.STREAM_CUT) {
            ex.start(200, JSON);
            ex.header("content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
            ex.write(body.substring(0, body.length() / 2));
            ex.cut();
            return;
        }
        ex.respond(200, JSON, Map.of(), body);
    }
}
