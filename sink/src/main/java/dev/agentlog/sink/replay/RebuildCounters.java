package dev.agentlog.sink.replay;

import dev.agentlog.sink.BatchResult;
import dev.agentlog.sink.replay.RebuildProgress.Phase;
import java.util.concurrent.TimeUnit;

/**
 * What a rebuild has done so far, told to its {@link RebuildListener} at every step: the phase, the records replayed,
 * the events applied and the duplicates skipped, the records it expects in all, and where the replay's time went
 * (waiting for records, applying them). Used on the rebuild's thread only.
 */
final class RebuildCounters {
    private final RebuildListener listener;
    private final long started = System.nanoTime();
    private Phase phase = Phase.PREPARING;
    private long recordsRead;
    private long eventsApplied;
    private long duplicates;
    private long estimate;
    private long readNanos;
    private long applyNanos;

    RebuildCounters(RebuildListener listener) {
        this.listener = listener;
    }

    /** The rebuild moved on to {@code now}. */
    void phase(Phase now) {
        phase = now;
        report();
    }

    /** A lane applied a batch of {@code records}; {@code result} null when it was empty. */
    void count(int records, BatchResult result) {
        if (result == null) {
            return;
        }
        recordsRead += records;
        eventsApplied += result.applied();
        duplicates += result.duplicates();
        report();
    }

    /** Records expected in all, as first estimated. */
    void expect(long records) {
        estimate = records;
    }

    /** The live sink moved on: that many more records to replay. */
    void expectMore(long records) {
        estimate += records;
    }

    void reading(long nanos) {
        readNanos += nanos;
    }

    void applying(long nanos) {
        applyNanos += nanos;
    }

    long recordsRead() {
        return recordsRead;
    }

    long eventsApplied() {
        return eventsApplied;
    }

    long duplicates() {
        return duplicates;
    }

    long estimate() {
        return estimate;
    }

    long readMillis() {
        return TimeUnit.NANOSECONDS.toMillis(readNanos);
    }

    long applyMillis() {
        return TimeUnit.NANOSECONDS.toMillis(applyNanos);
    }

    /** Since the rebuild started. */
    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    private void report() {
        listener.progress(new RebuildProgress(phase, recordsRead, Math.max(estimate, recordsRead), eventsApplied,
                System.nanoTime() - started));
    }
}
