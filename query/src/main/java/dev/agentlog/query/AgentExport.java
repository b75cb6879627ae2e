package dev.agentlog.query;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.replay.StoredEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code agentlog export}: an agent's events (its own stream, and the whole streams of every block and archive
 * attached to it by then, shared ones included) up to an instant, from the audit table {@code events}, in log
 * order: each stream in stream order, streams interleaved by occurred_at. Streams the rows one by one (a
 * server-side cursor), so an agent of any size is exported in constant memory. Thread-safe.
 */
public final class AgentExport {
    private static final int FETCH_SIZE = 2_000;

    private final DataSource dataSource;
    private final String schema;
    private final TableQueries q;

    /** Receives the exported events in order. */
    @FunctionalInterface
    public interface EventSink {
        void accept(StoredEvent event) throws IOException;
    }

    private EventCodec codec = EventCodec.standard();

    public AgentExport(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.schema = schema;
        this.q = new TableQueries(schema);
    }

    /**
     * Reads payloads with {@code value}: one that opens sealed payloads when encryption is on, so that an export holds
     * plaintext the importing side seals with its own keys (docs/privacy.md).
     */
    public AgentExport withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * Hands the events to {@code out}; returns how many. 0 when the agent has no events (by then).
     *
     * @param at the instant (events with occurred_at at or before it); null for everything
     */
    private StoredEvent opened(StoredEvent e) {
        try {
            return e.opened(codec);
        } catch (InvalidEventException ex) {
            throw new IllegalStateException("event " + e.eventId() + " in the events table does not open ("
                    + ex.getMessage() + "); run `agentlog verify`", ex);
        }
    }

    public long write(String agentId, Instant at, EventSink out) throws SQLException, IOException {
        String until = at == null ? "" : " AND occurred_at <= ?";
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                Set<String> streams = new LinkedHashSet<>();
                streams.add(agentId);
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT coalesce(payload ->> 'block_id',"
                        + " payload ->> 'archive_id') FROM " + q.table("events") + " WHERE stream_id = ?"
                        + " AND type IN ('block.attached', 'archive.attached')" + until)) {
                    ps.setString(1, agentId);
                    if (at != null) {
                        ps.setObject(2, at.atOffset(ZoneOffset.UTC));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(1) != null) {
                                streams.add(rs.getString(1));
                            }
                        }
                    }
                }
                streams.removeAll(q.erased(c, streams)); // an erased subject exports nothing
                if (streams.isEmpty()) {
                    return 0;
                }
                for (String stream : streams) {
                    // a stream whose beginning is not here would import as its tail alone: refused, as state --at is
                    LogHorizon.requireBeginningHeld(c, schema, stream);
                }
                // the running maximum of occurred_at grows with stream_seq within a stream, so ordering by it keeps
                // every stream in stream order even where occurred_at itself steps back
                String sql = "SELECT " + StoredEvent.COLUMNS + " FROM (SELECT e.*, max(e.occurred_at) OVER (PARTITION BY"
                        + " e.stream_id ORDER BY e.stream_seq) AS running FROM " + q.table("events") + " e"
                        + " WHERE e.stream_id = ANY(?)" + until + ") x ORDER BY running, stream_id, stream_seq";
                long written = 0;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setFetchSize(FETCH_SIZE);
                    ps.setArray(1, c.createArrayOf("text", streams.toArray()));
                    if (at != null) {
                        ps.setObject(2, at.atOffset(ZoneOffset.UTC));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoredEvent e = opened(StoredEvent.read(rs));
                            if (e != null) {
                                out.accept(e);
                                written++;
                            }
                        }
                    }
                }
                return written;
            } finally {
                c.rollback();
            }
        }
    }
}
