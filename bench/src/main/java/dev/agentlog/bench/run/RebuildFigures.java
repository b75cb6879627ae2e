package dev.agentlog.bench.run;

/**
 * {@code agentlog rebuild} of the log the sink applied: replay into a shadow schema and swap.
 *
 * @param records records of the log read and applied
 * @param replaySeconds the replay (the rebuild's own figure)
 * @param swapSeconds the swap at the end
 * @param workers its lanes ({@code --workers})
 * @param jvmCpuSeconds CPU of the rebuild's JVM over its whole run (start-up included)
 * @param postgresCpuSeconds CPU of PostgreSQL over the same run
 * @param wallSeconds the process's whole run, start to exit
 */
public record RebuildFigures(long records, long eventsApplied, double replaySeconds, double swapSeconds, int workers,
        double jvmCpuSeconds, double postgresCpuSeconds, double wallSeconds) {
    public double eventsPerSecond() {
        return records / replaySeconds;
    }

    public double totalSeconds() {
        return replaySeconds + swapSeconds;
    }
}
