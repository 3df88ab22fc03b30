package dev.sluice.bench;

import java.util.Map;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * One phase's figures. Requests belong to the phase in which they were due, even when they end
 * after it; goodput is that phase's completed answers divided by its length.
 *
 * @param sent               requests due in the phase (offered rate x length)
 * @param errors             error answers, plus requests that never reported (still open at the end)
 * @param disconnected       requests the client left on purpose before their end
 * @param goodputPerSecond   completed / phase seconds
 * @param goodputOfCapacity  goodput / C
 * @param endToEnd           completed answers: intended send time to end of stream
 * @param firstEvent         completed answers: intended send time to first content event
 * @param shedAnswer         shed answers: intended send time to the shed answer's headers
 * @param sendLag            how late the client sent (actual minus intended send time)
 * @param lastShedAfter      seconds from the phase's start to the last shed answer of its requests
 * @param heapFloorMiB       the heap floor at the phase's last sample
 */
record PhaseSummary(
        Phase phase,
        double offeredPerSecond,
        long sent,
        long completed,
        long shed,
        long shedByUpstream,
        long errors,
        long clientOverflow,
        long disconnected,
        double goodputPerSecond,
        double goodputOfCapacity,
        Latency endToEnd,
        Latency firstEvent,
        Latency shedAnswer,
        Latency sendLag,
        OptionalDouble lastShedAfter,
        OptionalDouble heapFloorMiB,
        Map<String, Long> errorKinds) {

    /** The figures of {@code r} against a capacity of {@code capacityPerSecond}, with the phase's heap floor. */
    static PhaseSummary of(PhaseRecorder r, double capacityPerSecond, OptionalDouble heapFloorMiB) {
        double seconds = r.phase.length().toNanos() / 1e9;
        long sent = r.schedule.count();
        long completed = r.completed();
        long shed = r.shed();
        long overflow = r.clientOverflow();
        long unaccounted = Math.max(0, sent - completed - shed - r.errors() - overflow - r.disconnected());
        double goodput = completed / seconds;
        OptionalDouble lastShed = r.lastShedNanos().isPresent()
                ? OptionalDouble.of(Math.max(0, r.lastShedNanos().getAsLong() - r.schedule.startNanos()) / 1e9)
                : OptionalDouble.empty();
        return new PhaseSummary(
                r.phase,
                r.schedule.perSecond(),
                sent,
                completed,
                shed,
                r.shedByUpstream(),
                r.errors() + unaccounted,
                overflow,
                r.disconnected(),
                goodput,
                goodput / capacityPerSecond,
                Latency.of(r.endToEnd),
                Latency.of(r.firstEvent),
                Latency.of(r.shedAnswer),
                Latency.of(r.sendLag),
                lastShed,
                heapFloorMiB,
                r.errorKinds());
    }

    /**
     * Percentiles of a histogram of microseconds, in milliseconds; all 0 when it is empty.
     *
     * @param count how many values were recorded
     */
    record Latency(long count, double p50Ms, double p99Ms, double maxMs) {
        static Latency of(Histogram micros) {
            long n = micros.getTotalCount();
            if (n == 0) {
                return new Latency(0, 0, 0, 0);
            }
            return new Latency(
                    n,
                    ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(99)),
                    ms(micros.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }
}
