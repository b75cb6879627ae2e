package dev.agentlog.sink.erasure;

import dev.agentlog.events.Sealing;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.snapshot.SnapshotStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PostgreSQL side of {@code agentlog erase} (docs/privacy.md): which blocks and archives belong to the agents
 * erased, and the deletion of every row of theirs from every projection table, with their events' payloads replaced
 * by the erased form ({@link Sealing#erasedPayload()}). Each runs in the caller's transaction, which also destroys the
 * keys (the privacy module's {@code SubjectKeys.destroy}), so that either all of it happens or none.
 */
public final class Erasure {
    private Erasure() {}

    /**
     * The agents and what belongs to them: every block and archive one of them attached (by the log of record in
     * {@code events}) that no other agent ever attached. Those another agent attached too are kept (shared).
     */
    public static ErasurePlan ofAgents(Connection c, String schema, Collection<String> agents) throws SQLException {
        List<String> blocks = new ArrayList<>();
        List<String> archives = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        attached(c, schema, agents, "block.attached", "block_id", blocks, shared);
        attached(c, schema, agents, "archive.attached", "archive_id", archives, shared);
        return new ErasurePlan(new ArrayList<>(new LinkedHashSet<>(agents)), blocks, archives, shared);
    }

    /** The agents an identity (a Letta user or identity, {@code identity.attached}) names, in the log of record. */
    public static List<String> agentsOfIdentity(Connection c, String schema, String identityId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT stream_id FROM " + Sql.table(schema, "events")
                + " WHERE type = 'identity.attached' AND payload ->> 'identity_id' = ? ORDER BY stream_id")) {
            ps.setString(1, identityId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The agents whose {@code agent.created} was made on behalf of {@code actor} (a Letta user). */
    public static List<String> agentsCreatedBy(Connection c, String schema, String actor) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT stream_id FROM " + Sql.table(schema, "events")
                + " WHERE type = 'agent.created' AND actor = ? ORDER BY stream_id")) {
            ps.setString(1, actor);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** What kind of stream {@code id} is by its events ({@code agent}, {@code block}, {@code archive}); "" when none. */
    public static String streamKind(Connection c, String schema, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT type FROM " + Sql.table(schema, "events")
                + " WHERE stream_id = ? AND type <> 'subject.erased' LIMIT 1")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "";
                }
                return dev.agentlog.events.EventType.fromWireName(rs.getString(1))
                        .map(t -> t.streamKind().name().toLowerCase(java.util.Locale.ROOT)).orElse("");
            }
        }
    }

    private static void attached(Connection c, String schema, Collection<String> agents, String type, String field,
            List<String> owned, List<String> shared) throws SQLException {
        String events = Sql.table(schema, "events");
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT e.payload ->> '" + field + "', EXISTS (SELECT 1"
                + " FROM " + events + " o WHERE o.type = ? AND o.payload ->> '" + field + "' = e.payload ->> '" + field
                + "' AND NOT (o.stream_id = ANY(?))) FROM " + events + " e WHERE e.stream_id = ANY(?) AND e.type = ?"
                + " AND e.payload ->> '" + field + "' IS NOT NULL ORDER BY 1")) {
            Array ids = c.createArrayOf("text", agents.toArray());
            ps.setString(1, type);
            ps.setArray(2, ids);
            ps.setArray(3, ids);
            ps.setString(4, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (rs.getBoolean(2) ? shared : owned).add(rs.getString(1));
                }
            }
        }
    }

    /**
     * Deletes every row of the plan's agents, blocks and archives from every projection table, and replaces the
     * payloads of their events by the erased form.
     *
     * @return rows deleted per table (every projection table, 0 included), then {@code events} (payloads erased), then
     *     {@code snapshot_streams} (snapshot records whose state was cleared: docs/replay.md)
     */
    public static Map<String, Long> deleteRows(Connection c, String schema, ErasurePlan plan) throws SQLException {
        Array agents = c.createArrayOf("text", plan.agents().toArray());
        Array blocks = c.createArrayOf("text", plan.blocks().toArray());
        Array archives = c.createArrayOf("text", plan.archives().toArray());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TableDef<?, ?> table : Tables.ALL) {
            List<String> conditions = new ArrayList<>();
            List<Array> values = new ArrayList<>();
            Map<Ref, Array> byRef = Map.of(Ref.AGENT_ID, agents, Ref.BLOCK_ID, blocks, Ref.ARCHIVE_ID, archives);
            if (table == Tables.AGENTS || table == Tables.BLOCKS || table == Tables.ARCHIVES) {
                conditions.add(table.keyColumns().get(0).name() + " = ANY(?)");
                values.add(table == Tables.AGENTS ? agents : table == Tables.BLOCKS ? blocks : archives);
            }
            for (Ref ref : table.refs()) {
                if (byRef.containsKey(ref)) {
                    conditions.add(table.refColumn(ref).name() + " = ANY(?)");
                    values.add(byRef.get(ref));
                }
            }
            if (table == Tables.SOURCE_ROWS) {
                // rows of other Letta tables are sealed with the key of the agent they name (their events' agent_id)
                conditions.add("stream_id IN (SELECT stream_id FROM " + Sql.table(schema, "events")
                        + " WHERE type = 'row.changed' AND agent_id = ANY(?))");
                values.add(agents);
            }
            long deleted = 0;
            if (!conditions.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Sql.table(schema, table.name())
                        + " WHERE " + String.join(" OR ", conditions))) {
                    for (int i = 0; i < values.size(); i++) {
                        ps.setArray(i + 1, values.get(i));
                    }
                    deleted = ps.executeUpdate();
                }
            }
            counts.put(table.name(), deleted);
        }
        Set<String> subjects = new LinkedHashSet<>(plan.subjects());
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.table(schema, "events") + " SET payload = ?::jsonb"
                + " WHERE (stream_id = ANY(?) OR (type = 'row.changed' AND agent_id = ANY(?)))"
                + " AND type <> 'subject.erased' AND payload <> ?::jsonb")) {
            String erased = Sealing.erasedPayload().toString();
            ps.setString(1, erased);
            ps.setArray(2, c.createArrayOf("text", subjects.toArray()));
            ps.setArray(3, agents);
            ps.setString(4, erased);
            counts.put("events", (long) ps.executeUpdate());
        }
        counts.put("snapshot_streams", SnapshotStore.eraseSubjects(c, schema, subjects));
        return counts;
    }
}
