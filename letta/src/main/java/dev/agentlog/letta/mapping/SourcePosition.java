package dev.agentlog.letta.mapping;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a change sits in the source's write-ahead log.
 *
 * @param lsn        the log sequence number of the change (for snapshot reads: the snapshot's, shared by all its rows)
 * @param txId       the source transaction, when known
 * @param commitTime when the source transaction committed (for snapshot reads: when the row was read)
 * @param snapshot   whether the change was read by the initial snapshot rather than streamed
 */
public record SourcePosition(long lsn, Long txId, Instant commitTime, boolean snapshot) {
    public SourcePosition {
        Objects.requireNonNull(commitTime, "commitTime");
    }

    /** PostgreSQL's text form of an LSN, e.g. {@code 0/16B3748}. */
    public String lsnText() {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
