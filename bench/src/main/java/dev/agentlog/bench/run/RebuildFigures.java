package dev.agentlog.bench.run;

/**
 * {@code agentlog rebuild} of the log the sink applied: replay into a shadow schema and swap.
 *
 * @param records records of the log read and applied
 * @param replaySeconds the replay (the rebuild's own figure)
 * @param swapSeconds the swap at the end
 * @param workers its lanes ({@code --workers})
 */
public record RebuildFigures(long records, long eventsApplied, double replaySeconds, double swapSeconds, int workers) {
    public double eventsPerSecond() {
        return records / replaySeconds;
    }

    public double totalSeconds() {
        return replaySeconds + swapSeconds;
    }
}
