package dev.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** The overload targets of docs/benchmarks.md, checked against a run's phases. */
final class Targets {
    static final double MIN_GOODPUT_OF_CAPACITY = 0.98;
    static final double MAX_P99_OVER_BASELINE = 1.2;
    static final double MAX_SHED_P99_MS = 5;
    static final double MAX_FLOOR_GROWTH = 0.10;
    static final double MIN_FLOOR_SLACK_MIB = 8;
    static final double MAX_SHEDDING_AFTER_RECOVERY_S = 2;

    /**
     * One target: what it asks, what was measured, and whether it holds ({@code pass} is empty when
     * the run could not measure it).
     */
    record Check(String target, String measured, Optional<Boolean> pass) {
        String verdict() {
            return pass.map(p -> p ? "PASS" : "FAIL").orElse("n/a");
        }
    }

    private Targets() {}

    static List<Check> check(List<PhaseSummary> phases) {
        List<Check> checks = new ArrayList<>();
        Optional<PhaseSummary> baseline = phases.stream()
                .filter(p -> p.phase().kind() == Phase.Kind.BASELINE)
                .findFirst();
        List<PhaseSummary> overload = phases.stream()
                .filter(p -> p.phase().kind() == Phase.Kind.LOAD && p.phase().loadFactor() > 1)
                .toList();

        double worstGoodput = overload.stream()
                .mapToDouble(PhaseSummary::goodputOfCapacity)
                .min()
                .orElse(Double.NaN);
        checks.add(new Check(
                "goodput >= 98% of C at every overload level (2x, 5x, 10x)",
                overload.isEmpty() ? "no overload phase" : String.format("lowest %.1f%% of C", 100 * worstGoodput),
                overload.isEmpty() ? Optional.empty() : Optional.of(worstGoodput >= MIN_GOODPUT_OF_CAPACITY)));

        double base = baseline.map(b -> b.endToEnd().p99Ms()).orElse(0.0);
        double worstP99 =
                overload.stream().mapToDouble(p -> p.endToEnd().p99Ms()).max().orElse(Double.NaN);
        boolean p99Known = base > 0 && !overload.isEmpty();
        checks.add(new Check(
                "admitted p99 <= 1.2x its value at 0.8 C",
                p99Known
                        ? String.format("worst %.0f ms = %.3fx the baseline %.0f ms", worstP99, worstP99 / base, base)
                        : "no baseline",
                p99Known ? Optional.of(worstP99 <= MAX_P99_OVER_BASELINE * base) : Optional.empty()));

        List<PhaseSummary> shedding = phases.stream().filter(p -> p.shed() > 0).toList();
        double worstShed =
                shedding.stream().mapToDouble(p -> p.shedAnswer().p99Ms()).max().orElse(0);
        checks.add(new Check(
                "shed p99 <= 5 ms",
                shedding.isEmpty() ? "nothing was shed" : String.format("worst %.1f ms", worstShed),
                shedding.isEmpty() ? Optional.empty() : Optional.of(worstShed <= MAX_SHED_P99_MS)));

        OptionalDouble first = baseline.map(PhaseSummary::heapFloorMiB).orElse(OptionalDouble.empty());
        OptionalDouble last = phases.isEmpty()
                ? OptionalDouble.empty()
                : phases.get(phases.size() - 1).heapFloorMiB();
        boolean floors = first.isPresent() && last.isPresent();
        double allowed = floors
                ? first.getAsDouble() + Math.max(MIN_FLOOR_SLACK_MIB, MAX_FLOOR_GROWTH * first.getAsDouble())
                : 0;
        checks.add(new Check(
                "heap floor flat (end of recovery <= baseline + max(10%, 8 MiB))",
                floors
                        ? String.format(
                                "%.1f MiB -> %.1f MiB (allowed %.1f)", first.getAsDouble(), last.getAsDouble(), allowed)
                        : "no floor measured",
                floors ? Optional.of(last.getAsDouble() <= allowed) : Optional.empty()));

        Optional<PhaseSummary> recovery = phases.stream()
                .filter(p -> p.phase().kind() == Phase.Kind.RECOVERY)
                .findFirst();
        OptionalDouble stopped = recovery.map(PhaseSummary::lastShedAfter).orElse(OptionalDouble.empty());
        checks.add(new Check(
                "shedding stops within 2 s once load drops to 0.5 C",
                recovery.isEmpty()
                        ? "no recovery phase"
                        : stopped.isPresent()
                                ? String.format("last shed answer %.2f s after the drop", stopped.getAsDouble())
                                : "nothing shed in recovery",
                recovery.isEmpty()
                        ? Optional.empty()
                        : Optional.of(stopped.orElse(0) <= MAX_SHEDDING_AFTER_RECOVERY_S)));
        return checks;
    }
}
