/**
 * Sluice's benchmarks: an open-loop, coordinated-omission-correct load generator and the scenarios
 * built on it. {@link dev.sluice.bench.BenchMain} is the only public type; run it through
 * {@code ./sluice-bench-run}. See docs/benchmarks.md for the method, the targets and the figures.
 */
package dev.sluice.bench;
