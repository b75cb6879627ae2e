package dev.agentlog.bench.run;

/** Percentiles of sorted nanosecond samples, in milliseconds (nearest rank); NaN when there is no sample. */
public final class Percentiles {
    private Percentiles() {}

    /** The nearest-rank {@code q} quantile (0 < q <= 1) of {@code sorted}, in milliseconds. */
    public static double millis(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    /** The largest of {@code sorted}, in milliseconds. */
    public static double max(long[] sorted) {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }
}
