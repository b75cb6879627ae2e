package dev.agentlog.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The audit table {@code events}: one row per event_id, whatever how often it is delivered. Its insert
 * decides which events of a batch are new ({@code ON CONFLICT (event_id) DO NOTHING RETURNING event_id});
 * only those are folded into the projections. Another event at a taken (stream_id, stream_seq) is not
 * silently dropped: it violates {@code events_stream_position} (23505) and is dead-lettered as poison.
 */
public final class EventsTable {
    private static final int PARAMETERS = 14;
    private final MultiRowStatement insert;

    public EventsTable(String schema, int maxRowsPerStatement) {
        this.insert = new MultiRowStatement(
                "INSERT INTO " + Sql.table(schema, "events") + " (event_id, stream_id, stream_seq, type, schema_version,"
                        + " agent_id, organization_id, occurred_at, source, actor, payload, kafka_topic, kafka_partition,"
                        + " kafka_offset) VALUES ",
                "(?, ?, ?::bigint, ?, ?::integer, ?, ?, ?::timestamptz, ?, ?, ?::jsonb, ?, ?::integer, ?::bigint)",
                " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                PARAMETERS, maxRowsPerStatement);
    }

    /** Inserts the events of these records; returns the event_ids that were not there before. */
    public Set<String> insertNew(Connection c, List<DecodedRecord> records) throws SQLException {
        Set<String> inserted = new HashSet<>(records.size() * 2);
        insert.query(c, records, EventsTable::bind, rs -> inserted.add(rs.getString(1)));
        return inserted;
    }

    private static int bind(PreparedStatement ps, int i, DecodedRecord r) throws SQLException {
        Event e = r.event();
        ps.setString(i, e.eventId());
        ps.setString(i + 1, e.streamId());
        if (e.streamSeq() == null) {
            ps.setNull(i + 2, Types.BIGINT);
        } else {
            ps.setLong(i + 2, e.streamSeq());
        }
        ps.setString(i + 3, e.type().wireName());
        ps.setInt(i + 4, e.schemaVersion());
        ps.setString(i + 5, e.agentId());
        ps.setString(i + 6, e.organizationId());
        ps.setObject(i + 7, e.occurredAt().withOffsetSameInstant(ZoneOffset.UTC));
        ps.setString(i + 8, e.source());
        ps.setString(i + 9, e.actor());
        ps.setString(i + 10, JdbcValues.json(payload(r)));
        ps.setString(i + 11, r.record().topic());
        ps.setInt(i + 12, r.record().partition());
        ps.setLong(i + 13, r.record().offset());
        return i + PARAMETERS;
    }

    /** The payload as it came (already at the current version in the log of record); re-written only if upcast. */
    private static JsonNode payload(DecodedRecord r) {
        JsonNode version = r.tree().get("schema_version");
        JsonNode payload = r.tree().get("payload");
        if (payload != null && version != null && version.asInt() == r.event().schemaVersion()) {
            return payload;
        }
        return r.event().payload().toJson();
    }
}
