package dev.agentlog.bench.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One contender's throughput run.
 *
 * @param name as shown in the tables
 * @param settings its settings, one line
 * @param events log records it applied (0 for the ceiling and the peer, which read rows, not events)
 * @param messageChanges message-row changes it applied (upserts and deletes)
 * @param rowsWritten rows in its tables at the end, every table it writes
 * @param rowsPerTable those rows by table
 * @param seconds from the first row visible to the last (by counting)
 * @param fractionBeforeWindow the part of the work already visible at the first observation (left out of the rates)
 * @param processCpuNanos CPU of the contender's JVM over the window (-1: not separable, e.g. COPY)
 * @param workerThreadCpuNanos CPU of its worker threads over the window (-1: n/a)
 * @param postgresCpuNanos CPU of PostgreSQL over the window
 * @param brokerCpuNanos CPU of the bench's JVM (the embedded broker, serving the fetches) over the window
 * @param peakHeapBytes most heap its JVM used (-1: n/a)
 * @param peakRssBytes peak resident memory of its JVM (-1: n/a)
 * @param heapLimit the JVM's -Xmx, as given
 * @param messagesDigest digest of its messages table ({@link Tables#messagesDigest})
 * @param profile JFR recording of its JVM, or null
 * @param from start of the window (wall clock, to cut the recording)
 * @param to end of the window
 * @param machineBusy how busy the whole machine was over the window (all processes), 0..1
 * @param gcCount garbage collections of its JVM over the window (-1: n/a)
 * @param gcMillis time its JVM's collectors report over the window (-1: n/a)
 * @param steady the same CPU over the steady part of the window (from a third of the work on)
 */
public record ThroughputResult(String name, String settings, long events, long messageChanges, long rowsWritten,
        Map<String, Long> rowsPerTable, double seconds, double fractionBeforeWindow, long processCpuNanos,
        long workerThreadCpuNanos, long postgresCpuNanos, long brokerCpuNanos, long peakHeapBytes, long peakRssBytes, String heapLimit,
        String messagesDigest, Path profile, Instant from, Instant to, double machineBusy, long gcCount,
        long gcMillis, Steady steady) {

    /**
     * CPU over the steady part of a window: from a third of the work to the end, when the JVM's just-in-time
     * compiler has done most of its work (a long-running worker pays that once).
     *
     * @param share the part of the work done in it, 0..1
     */
    public record Steady(double share, long processCpuNanos, long workerThreadCpuNanos) {
        public static final Steady NONE = new Steady(Double.NaN, -1, -1);
    }

    /** JVM CPU per event in the steady part, in microseconds; NaN when not measured. */
    public double steadyCpuMicrosPerEvent() {
        return steady.processCpuNanos() < 0 || events == 0 ? Double.NaN
                : steady.processCpuNanos() / 1e3 / (events * steady.share());
    }

    public double steadyWorkerThreadCpuMicrosPerEvent() {
        return steady.workerThreadCpuNanos() < 0 || events == 0 ? Double.NaN
                : steady.workerThreadCpuNanos() / 1e3 / (events * steady.share());
    }

    /** JVM CPU per message-row change in the steady part: all of it charged to the message rows. */
    public double steadyCpuMicrosPerMessageRow() {
        return steady.processCpuNanos() < 0 || messageChanges == 0 ? Double.NaN
                : steady.processCpuNanos() / 1e3 / (messageChanges * steady.share());
    }

    private double measuredShare() {
        return 1.0 - fractionBeforeWindow;
    }

    public double eventsPerSecond() {
        return events * measuredShare() / seconds;
    }

    public double messageRowsPerSecond() {
        return messageChanges * measuredShare() / seconds;
    }

    public double rowsPerSecond() {
        return rowsWritten * measuredShare() / seconds;
    }

    /** Process CPU per event in microseconds, NaN when not measured. */
    public double cpuMicrosPerEvent() {
        return processCpuNanos < 0 || events == 0 ? Double.NaN : processCpuNanos / 1e3 / (events * measuredShare());
    }

    public double workerThreadCpuMicrosPerEvent() {
        return workerThreadCpuNanos < 0 || events == 0 ? Double.NaN
                : workerThreadCpuNanos / 1e3 / (events * measuredShare());
    }

    /** Process CPU per message-row change in microseconds: all of the JVM's CPU charged to the message rows. */
    public double cpuMicrosPerMessageRow() {
        return processCpuNanos < 0 || messageChanges == 0 ? Double.NaN
                : processCpuNanos / 1e3 / (messageChanges * measuredShare());
    }

    public double postgresCpuMicrosPerRow() {
        return postgresCpuNanos < 0 ? Double.NaN : postgresCpuNanos / 1e3 / (rowsWritten * measuredShare());
    }
}
