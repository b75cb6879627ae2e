package dev.agentlog.bench.run;

import java.util.Arrays;
import java.util.Locale;

/**
 * The timings of one kind of query, in nanoseconds, with the CPU the bench's JVM and PostgreSQL spent over them.
 *
 * @param what what was asked, as the report's table names it
 * @param nanos each call's wall time
 * @param jvmCpuNanos the bench JVM's CPU over the calls (every thread: the caller, GC, JIT)
 * @param postgresCpuNanos PostgreSQL's CPU over the calls (every backend)
 */
public record QueryTimings(String what, long[] nanos, long jvmCpuNanos, long postgresCpuNanos) {
    public QueryTimings {
        nanos = nanos.clone();
        Arrays.sort(nanos);
    }

    public double p50() {
        return Percentiles.millis(nanos, 0.50);
    }

    public double p99() {
        return Percentiles.millis(nanos, 0.99);
    }

    public double max() {
        return Percentiles.max(nanos);
    }

    /** Mean CPU per call in milliseconds, of the JVM and of PostgreSQL. */
    public String cpuPerCall() {
        return String.format(Locale.ROOT, "%.1f / %.1f", jvmCpuNanos / 1e6 / Math.max(1, nanos.length),
                postgresCpuNanos / 1e6 / Math.max(1, nanos.length));
    }

    /** One row of the report's table: what, calls, p50, p99, max, CPU per call, and the target met or not. */
    public String row(double targetMillis) {
        String target = Double.isNaN(targetMillis) ? "" : String.format(Locale.ROOT, "p99 < %.0f ms: **%s**",
                targetMillis, p99() < targetMillis ? "met" : "not met");
        return String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %s | %s |", what, nanos.length, p50(), p99(),
                max(), cpuPerCall(), target);
    }

    public static String header() {
        return "| query | calls | p50 ms | p99 ms | max ms | CPU per call, ms (JVM / PostgreSQL) | target |\n"
                + "|---|---|---|---|---|---|---|";
    }
}
