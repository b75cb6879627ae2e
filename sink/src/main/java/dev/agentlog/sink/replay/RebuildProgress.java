package dev.agentlog.sink.replay;

/**
 * Where a rebuild is, for a progress bar or a log line.
 *
 * @param phase what it does now
 * @param recordsRead records of the log replayed so far
 * @param recordsEstimate records it expects to replay in all (offsets between its start and the live sink's
 *     position; grows while the live sink moves on); 0 when unknown
 * @param eventsApplied new events written to the shadow schema
 * @param elapsedNanos since the replay started
 */
public record RebuildProgress(Phase phase, long recordsRead, long recordsEstimate, long eventsApplied,
        long elapsedNanos) {

    /** The steps of a rebuild, in order. */
    public enum Phase {
        /** The shadow schema is made (or kept, with --resume). */
        PREPARING("preparing"),
        /** The log is replayed into the shadow schema; the live schema keeps serving. */
        REPLAYING("replaying"),
        /** The live sink's offsets are locked; the last records are applied and the schemas swapped. */
        SWAPPING("swapping"),
        DONE("done");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Records per second since the start; 0 before the first second's worth. */
    public double recordsPerSecond() {
        return elapsedNanos <= 0 ? 0 : recordsRead * 1e9 / elapsedNanos;
    }

    /** Fraction done, 0..1; 0 when the total is unknown. */
    public double fraction() {
        return recordsEstimate <= 0 ? 0 : Math.min(1.0, (double) recordsRead / recordsEstimate);
    }

    /** Seconds left at the current rate; -1 when unknown. */
    public long secondsLeft() {
        double rate = recordsPerSecond();
        if (recordsEstimate <= 0 || rate <= 0) {
            return -1;
        }
        return Math.max(0, Math.round((recordsEstimate - recordsRead) / rate));
    }
}
