package dev.agentlog.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.query.agentfile.AgentFileFold;
import dev.agentlog.query.agentfile.AgentFileWriter;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.replay.StoredEvent;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code agentlog letta export --format af}: agents as they were at an instant, as Letta's Agent File. Reads, in one
 * repeatable-read snapshot of the audit table {@code events}, the streams up to the instant: the agents', the groups
 * they manage or joined (and then those groups' other agents, as Letta's exporter adds them), their blocks, and the
 * rows of their tools, folders, files, file texts and groups' shared blocks; folds them ({@link AgentFileFold}) and
 * writes the file ({@link AgentFileWriter}). Which rows a group or file has is found in {@code source_rows} (rows
 * deleted since the instant and no longer there are not found). Thread-safe.
 */
public final class AgentFiles {
    private final DataSource dataSource;
    private final String schema;
    private final TableQueries q;
    private EventCodec codec = EventCodec.standard();

    public AgentFiles(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.schema = schema;
        this.q = new TableQueries(schema);
    }

    /** Reads payloads with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public AgentFiles withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * The agent file of the agents at {@code at}.
     *
     * @throws IllegalStateException when an agent was not created by then, was deleted, or was erased
     * @throws LogHorizon.BeforeHorizon when {@code at} is before the log's horizon, or an agent began before the
     *     snapshot the schema was rebuilt from
     */
    public ObjectNode export(List<String> agentIds, Instant at) throws SQLException {
        AgentFileFold fold = new AgentFileFold();
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                LogHorizon.check(c, schema, at);
                List<String> agents = new ArrayList<>(new LinkedHashSet<>(agentIds));
                Set<String> read = new LinkedHashSet<>();
                Set<String> groups = new LinkedHashSet<>();
                while (read.size() < agents.size()) {
                    List<String> toRead = List.copyOf(agents.subList(read.size(), agents.size()));
                    for (String agentId : toRead) {
                        LogHorizon.requireBeginningHeld(c, schema, agentId); // its tail alone is no agent to import
                    }
                    read(c, fold, toRead, at);
                    for (String agentId : toRead) {
                        if (!fold.agent(agentId).exists() || !q.erased(c, List.of(agentId)).isEmpty()) {
                            throw new IllegalStateException("agent " + agentId + " does not exist at " + at
                                    + " (not created by then, deleted or erased)");
                        }
                    }
                    read.addAll(toRead);
                    Set<String> newGroups = new LinkedHashSet<>();
                    for (String agentId : toRead) {
                        newGroups.addAll(fold.agent(agentId).links("group"));
                    }
                    newGroups.addAll(sourceRows(c, "groups", "manager_agent_id", toRead).stream()
                            .map(s -> s.substring("groups:".length())).toList());
                    newGroups.removeAll(groups);
                    groups.addAll(newGroups);
                    read(c, fold, newGroups.stream().map(g -> "groups:" + g).toList(), at);
                    for (String groupId : newGroups) {
                        ObjectNode row = fold.row("groups", groupId);
                        if (row == null) {
                            continue;
                        }
                        // Letta's exporter adds the group's agents: its file names no agent outside it
                        row.path("agent_ids").forEach(a -> addOnce(agents, a.asText()));
                        if (row.hasNonNull("manager_agent_id")) {
                            addOnce(agents, row.get("manager_agent_id").asText());
                        }
                    }
                }
                List<String> rows = new ArrayList<>(sourceRows(c, "groups_blocks", "group_id", groups));
                Set<String> blocks = new LinkedHashSet<>();
                Set<String> files = new LinkedHashSet<>();
                for (String agentId : agents) {
                    AgentFileFold.Agent agent = fold.agent(agentId);
                    blocks.addAll(agent.blockIds());
                    agent.links("tool").forEach(t -> rows.add("tools:" + t));
                    agent.links("source").forEach(s -> rows.add("sources:" + s));
                    for (ObjectNode file : agent.files()) {
                        files.add(file.path("file_id").asText());
                        rows.add("sources:" + file.path("source_id").asText());
                    }
                }
                files.forEach(f -> rows.add("files:" + f));
                rows.addAll(sourceRows(c, "file_contents", "file_id", files));
                read(c, fold, rows, at);
                fold.rows("groups_blocks").values().forEach(link -> blocks.add(link.path("block_id").asText()));
                read(c, fold, blocks, at);
                return AgentFileWriter.write(fold, agents, at);
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Which of the streams hold events other than {@code eventIds}: an import would mix its events into another's. A
     * stream holding only events of the same ids is the same import, resumed or repeated (the pipeline keeps each
     * event_id once).
     */
    public List<String> takenBy(Collection<String> streams, Collection<String> eventIds) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT stream_id FROM " + q.table("events")
                     + " WHERE stream_id = ANY(?) AND NOT (event_id = ANY(?)) ORDER BY stream_id")) {
            ps.setArray(1, c.createArrayOf("text", streams.toArray()));
            ps.setArray(2, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** How many of the events are in the log already. */
    public long known(Collection<String> eventIds) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + q.table("events")
                     + " WHERE event_id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void addOnce(List<String> list, String value) {
        if (!list.contains(value)) {
            list.add(value);
        }
    }

    /** Folds the streams' events up to the instant, each stream in stream order. */
    private void read(Connection c, AgentFileFold fold, Collection<String> streams, Instant at) throws SQLException {
        if (streams.isEmpty()) {
            return;
        }
        for (StoredEvent stored : q.events(c, "WHERE stream_id = ANY(?) AND occurred_at <= ? ORDER BY stream_id,"
                + " stream_seq", ps -> {
                    ps.setArray(1, c.createArrayOf("text", streams.toArray()));
                    ps.setObject(2, at.atOffset(ZoneOffset.UTC));
                })) {
            StoredEvent e;
            try {
                e = stored.opened(codec);
            } catch (InvalidEventException ex) {
                throw new IllegalStateException("event " + stored.eventId() + " in the events table does not open ("
                        + ex.getMessage() + "); run `agentlog verify`", ex);
            }
            if (e == null) {
                continue; // its subject was erased
            }
            ObjectNode event = EventCodec.JSON.createObjectNode();
            event.put("type", e.type());
            event.put("stream_id", e.streamId());
            try {
                event.set("payload", EventCodec.JSON.readTree(e.payloadJson()));
            } catch (IOException ex) {
                throw new IllegalStateException("event " + e.eventId() + " has a payload that is not JSON", ex);
            }
            fold.accept(event);
        }
    }

    /** The streams of {@code source_rows} of the table whose row has one of {@code values} in {@code field}. */
    private List<String> sourceRows(Connection c, String table, String field, Collection<String> values)
            throws SQLException {
        List<String> out = new ArrayList<>();
        if (values.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT stream_id FROM " + q.table("source_rows")
                + " WHERE source_table = ? AND (\"row\" ->> ?) = ANY(?) ORDER BY stream_id")) {
            ps.setString(1, table);
            ps.setString(2, field);
            ps.setArray(3, c.createArrayOf("text", values.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
