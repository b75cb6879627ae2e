package dev.agentlog.bench.run;

/**
 * One contender at one load in one round of the ingest bench.
 *
 * @param contender        the contender's name
 * @param round            1, 2, ...
 * @param position         when it ran in its round at this rate: 1 first, 2 second, ...
 * @param batchSize        events per request
 * @param requestAckNanos  each measured request's send to the status line of its 202, sorted
 * @param ackToRowNanos    each measured event's 202 to its row being visible, sorted
 * @param ackedEvents      events answered 202 in the measured part
 * @param seconds          length of the measured part
 * @param failed           requests not answered 202 (in the whole load, warm-up seconds included)
 * @param notVisible       measured events whose row was not visible within the drain time
 * @param ingestCpuNanos   CPU of the ingest JVM over the measured part (-1: unknown)
 * @param machineBusy      how busy the whole machine was over the measured part, 0..1
 * @param connectionsAtStart connections to the contender seen by the start of the measured part (still open from its
 *     previous load, or opened in this load's first seconds)
 * @param connectionsOpened connections opened during the measured part (none when the clients kept theirs)
 * @param listenDrops      connections the kernel dropped for a full accept queue during the load (machine-wide)
 */
public record IngestSample(String contender, int rate, int round, int position, int batchSize, long[] requestAckNanos,
        long[] ackToRowNanos, long ackedEvents, double seconds, int failed, int notVisible, long ingestCpuNanos,
        double machineBusy, int connectionsAtStart, int connectionsOpened, long listenDrops) {

    public double ackMillis(double quantile) {
        return Percentiles.millis(requestAckNanos, quantile);
    }

    public double ackedPerSecond() {
        return ackedEvents / seconds;
    }
}
