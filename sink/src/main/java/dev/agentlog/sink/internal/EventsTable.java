package dev.agentlog.sink.internal;

import dev.agentlog.sink.jdbc.Sql;

import dev.agentlog.events.Event;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The audit table {@code events}: one row per event_id, however often it is delivered. Its insert
 * decides which events of a batch are new; only those are folded into the projections. Two ways:
 * <ul>
 *   <li>{@link #insertNew} (the fast path): the first occurrence of each event_id in the batch, binary COPY'd.
 *       Sound because the caller's transaction holds the partition's {@code sink_offsets} row lock first, and
 *       every event of a stream (so every copy of an event_id) lives in that one partition: no other
 *       transaction inserts these event_ids meanwhile. It does not look the event_ids up in the table first:
 *       records past the stored offset were never applied, and the processor lets no event_id through twice
 *       within its de-duplication window, so the lookup would find nothing. An event_id that is there anyway
 *       (older than the window, sent by a client straight to the log, or a replay over applied events) makes
 *       the COPY fail (23505) and the batch is applied with the conservative statements, counted as a
 *       duplicate as before; the next {@value #BATCHES_LOOKING_UP_AFTER_A_CONFLICT} batches then look their
 *       event_ids up first ({@code SELECT ... = ANY}, minus those found), so that a replay pays one failed COPY
 *       per that many batches, not one per batch. Costs PostgreSQL about 14.5 us/row here, against 20-25 for
 *       the statement below.</li>
 *   <li>{@link #insertNewConservatively}: {@code INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING
 *       event_id}, correct whatever runs beside it; used to isolate a poison event.</li>
 * </ul>
 * An event_id reused on a stream of another partition makes the COPY fail (23505); the batch is then
 * retried with the conservative statements (see {@code SinkCore}), so it is still applied once.
 * Another event at a taken (stream_id, stream_seq) is never silently dropped: it violates
 * {@code events_stream_position} (23505) and is dead-lettered as poison.
 */
public final class EventsTable {
    private static final int PARAMETERS = 15;
    /** The table's name for {@link TargetTables}. */
    public static final String TABLE = "events";
    private static final String COLUMNS = "event_id, stream_id, stream_seq, type, schema_version, agent_id,"
            + " organization_id, occurred_at, source, actor, payload, kafka_topic, kafka_partition, kafka_offset,"
            + " tenant";
    /** Batches that look their event_ids up first after a COPY of {@code events} met a stored key. */
    static final int BATCHES_LOOKING_UP_AFTER_A_CONFLICT = 1_000;
    private static final String UNIQUE_VIOLATION = "23505";
    private final MultiRowStatement insert;
    /** Counted down by each batch of {@link #insertNew}; set when its COPY meets a stored key. */
    private final AtomicInteger batchesToLookUp = new AtomicInteger();
    private final String table;
    private final String selectExisting;
    private final TargetTables target;

    /** @param target what the table may hold and who keeps its unique keys (see {@link TargetTables}) */
    public EventsTable(String schema, int maxRowsPerStatement, TargetTables target) {
        this.target = target;
        this.table = Sql.table(schema, TABLE);
        this.selectExisting = "SELECT event_id FROM " + table + " WHERE event_id = ANY(?)";
        this.insert = new MultiRowStatement(
                "INSERT INTO " + table + " (" + COLUMNS + ") VALUES ",
                "(?, ?, ?::bigint, ?, ?::integer, ?, ?, ?::timestamptz, ?, ?, ?::jsonb, ?, ?::integer, ?::bigint, ?)",
                " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                PARAMETERS, maxRowsPerStatement);
    }

    /** Inserts the events of these records; returns the event_ids that were not there before. */
    public Set<String> insertNew(Connection c, List<DecodedRecord> records) throws SQLException {
        Map<String, DecodedRecord> firstOccurrences = new LinkedHashMap<>(records.size() * 2);
        List<Event> firstEvents = new ArrayList<>(records.size());
        for (DecodedRecord r : records) {
            if (firstOccurrences.putIfAbsent(r.event().eventId(), r) == null) {
                firstEvents.add(r.event());
            }
        }
        Collection<String> maybeThere = target.eventIdsToLookUp(firstEvents);
        if (!maybeThere.isEmpty() && lookUpThisBatch()) {
            try (PreparedStatement ps = c.prepareStatement(selectExisting)) {
                ps.setArray(1, c.createArrayOf("text", maybeThere.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        firstOccurrences.remove(rs.getString(1));
                    }
                }
            }
        }
        if (firstOccurrences.isEmpty()) {
            return new HashSet<>();
        }
        BinaryCopy copy = new BinaryCopy(firstOccurrences.size() * 640);
        for (DecodedRecord r : firstOccurrences.values()) {
            Event e = r.event();
            copy.startRow(PARAMETERS)
                    .text(e.eventId())
                    .text(e.streamId())
                    .int8(e.streamSeq())
                    .text(e.type().wireName())
                    .int4(e.schemaVersion())
                    .text(e.agentId())
                    .text(e.organizationId())
                    .timestamptz(e.occurredAt().toInstant())
                    .text(e.source())
                    .text(e.actor());
            r.copyPayload(copy);
            copy.text(r.record().topic())
                    .int4(r.record().partition())
                    .int8(r.record().offset())
                    .text(e.tenant());
        }
        try {
            copy.copyInto(c, table, COLUMNS);
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                batchesToLookUp.set(BATCHES_LOOKING_UP_AFTER_A_CONFLICT);
            }
            throw e;
        }
        firstOccurrences.keySet().forEach(id -> target.wrote(TABLE, id));
        return new HashSet<>(firstOccurrences.keySet());
    }

    /** Whether this batch looks its event_ids up before the COPY; counts the batches after a conflict down. */
    private boolean lookUpThisBatch() {
        return batchesToLookUp.getAndUpdate(left -> Math.max(0, left - 1)) > 0;
    }

    /** Like {@link #insertNew}, with {@code ON CONFLICT (event_id) DO NOTHING}: safe beside any other writer. */
    public Set<String> insertNewConservatively(Connection c, List<DecodedRecord> records) throws SQLException {
        target.requireUniqueIndexes("ON CONFLICT (event_id)");
        Set<String> inserted = new HashSet<>(records.size() * 2);
        insert.query(c, records, EventsTable::bind, rs -> inserted.add(rs.getString(1)));
        inserted.forEach(id -> target.wrote(TABLE, id));
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
        ps.setString(i + 10, new String(r.payloadJson(), StandardCharsets.UTF_8));
        ps.setString(i + 11, r.record().topic());
        ps.setInt(i + 12, r.record().partition());
        ps.setLong(i + 13, r.record().offset());
        ps.setString(i + 14, e.tenant());
        return i + PARAMETERS;
    }
}
