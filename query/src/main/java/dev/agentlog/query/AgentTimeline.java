package dev.agentlog.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.replay.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Every event of an agent's streams in one order, paged: its own stream (messages, window, attachments, the agent's
 * own changes), the streams of every block and archive it was ever given (memory edits, passages), and the events on
 * other streams that name it as their cause ({@code agent_id}). Ordered by {@code occurred_at}, then stream, then
 * stream position; filtered by type and by a time range. {@code GET /v1/agents/{id}/timeline}, the web UI's
 * timeline.
 *
 * <p>A page is two statements: the next {@code limit} event ids in order (narrow rows: the sort never carries a
 * payload), then those events whole. The page's cursor is the last event's (occurred_at, stream, position), so the
 * next page starts after it however many events arrive meanwhile. An agent of 20,000 messages thus answers a page
 * of 200, not 20,000 events (docs/ui.md has the figures).
 *
 * <p>A reader with a tenant sees nothing of another tenant's agent (empty, as for one that does not exist) and, of
 * its own agent, only the events of its own tenant ({@link ReadScope}). An erased agent has no timeline.
 * Thread-safe.
 */
public final class AgentTimeline {
    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 2_000;
    private static final String ATTACHMENTS = "('block.attached', 'archive.attached')";

    private final DataSource dataSource;
    private final TableQueries q;
    private EventCodec codec = EventCodec.standard();

    public AgentTimeline(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.q = new TableQueries(schema);
    }

    /** Reads payloads with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public AgentTimeline withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * What to show.
     *
     * @param types  the event types to keep; empty: every type
     * @param from   the earliest occurred_at to keep (inclusive); null: from the first
     * @param to     the latest occurred_at to keep (inclusive); null: to the last
     * @param after  the cursor of the previous page ({@link Page#nextAfter()}); null: the first page
     * @param limit  events per page, 1..{@value #MAX_LIMIT}
     */
    public record Filter(Set<String> types, Instant from, Instant to, String after, int limit) {
        public Filter {
            types = Set.copyOf(types);
            for (String type : types) {
                if (EventType.fromWireName(type).isEmpty()) {
                    throw new IllegalArgumentException("types: no event type '" + type + "'; the types are "
                            + String.join(", ", java.util.Arrays.stream(EventType.values()).map(EventType::wireName)
                                    .toList()));
                }
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
            }
            if (from != null && to != null && from.isAfter(to)) {
                throw new IllegalArgumentException("from must not be after to");
            }
            if (after != null) {
                Cursor.decode(after); // refuses a cursor this class did not write
            }
        }

        public static Filter all() {
            return new Filter(Set.of(), null, null, null, DEFAULT_LIMIT);
        }
    }

    /**
     * A page of the timeline.
     *
     * @param streams   the agent's streams: its own first, then its blocks' and archives'
     * @param total     events that pass the filter, on every page
     * @param firstAt   the agent's first event (any type): where a time slider starts
     * @param lastAt    its last event: where a time slider ends
     * @param nextAfter the next page's cursor; null on the last page
     */
    public record Page(String agentId, List<String> streams, long total, Instant firstAt, Instant lastAt,
            List<StreamHistory.Change> events, String nextAfter) {
        public Page {
            streams = List.copyOf(streams);
            events = List.copyOf(events);
        }

        public ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("agent_id", agentId);
            ArrayNode s = out.putArray("streams");
            streams.forEach(s::add);
            out.put("total", total);
            RowJson.put(out, "first_at", firstAt);
            RowJson.put(out, "last_at", lastAt);
            ArrayNode array = out.putArray("events");
            events.forEach(change -> array.add(change.toJson()));
            RowJson.put(out, "next_after", nextAfter);
            return out;
        }
    }

    /** A page of the agent's timeline; empty when nothing is known of the agent, or it is not {@code tenant}'s. */
    public Optional<Page> of(String agentId, Filter filter, String tenant) throws SQLException {
        ReadScope scope = ReadScope.of(tenant);
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                if (!scope.mayRead(c, q, agentId) || !q.erased(c, List.of(agentId)).isEmpty()) {
                    return Optional.empty();
                }
                List<String> streams = streams(c, agentId);
                Scope all = new Scope(streams, agentId, tenant);
                Instant[] range = range(c, all);
                if (range[0] == null) {
                    return Optional.empty();
                }
                long total = count(c, all, filter);
                List<String> ids = new ArrayList<>();
                Cursor last = null;
                Cursor after = filter.after() == null ? null : Cursor.decode(filter.after());
                StringBuilder sql = new StringBuilder("SELECT e.event_id, e.occurred_at, e.stream_id, e.stream_seq FROM ")
                        .append(q.table("events")).append(" e WHERE ").append(all.where()).append(filtered(filter));
                if (after != null) {
                    sql.append(" AND (e.occurred_at, e.stream_id, coalesce(e.stream_seq, 0)) > (?, ?, ?)");
                }
                sql.append(" ORDER BY e.occurred_at, e.stream_id, coalesce(e.stream_seq, 0) LIMIT ?");
                boolean more = false;
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int i = all.bind(ps, 1, c);
                    i = bindFilter(ps, i, filter);
                    if (after != null) {
                        ps.setObject(i++, after.at().atOffset(ZoneOffset.UTC));
                        ps.setString(i++, after.streamId());
                        ps.setLong(i++, after.seq());
                    }
                    ps.setInt(i, filter.limit() + 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (ids.size() == filter.limit()) {
                                more = true;
                                break;
                            }
                            ids.add(rs.getString(1));
                            last = new Cursor(rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                                    rs.getLong(4));
                        }
                    }
                }
                List<StreamHistory.Change> changes = changes(c, ids);
                return Optional.of(new Page(agentId, streams, total, range[0], range[1], changes,
                        more ? last.encode() : null));
            } finally {
                c.rollback();
            }
        }
    }

    /** The agent's own stream, then every block and archive it was ever given, in the order it was given them. */
    private List<String> streams(Connection c, String agentId) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        out.add(agentId);
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(payload ->> 'block_id', payload ->> 'archive_id')"
                + " FROM " + q.table("events") + " WHERE stream_id = ? AND type IN " + ATTACHMENTS
                + " ORDER BY stream_seq")) {
            ps.setString(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Which events belong to the agent: its streams', and those elsewhere that name it; of the reader's tenant. */
    private record Scope(List<String> streams, String agentId, String tenant) {
        String where() {
            return "(e.stream_id = ANY(?) OR e.agent_id = ?)" + (tenant == null ? "" : " AND e.tenant = ?");
        }

        int bind(PreparedStatement ps, int first, Connection c) throws SQLException {
            ps.setArray(first, c.createArrayOf("text", streams.toArray()));
            ps.setString(first + 1, agentId);
            if (tenant == null) {
                return first + 2;
            }
            ps.setString(first + 2, tenant);
            return first + 3;
        }
    }

    private static String filtered(Filter filter) {
        return (filter.types().isEmpty() ? "" : " AND e.type = ANY(?)") + (filter.from() == null ? "" : " AND e.occurred_at >= ?")
                + (filter.to() == null ? "" : " AND e.occurred_at <= ?");
    }

    private static int bindFilter(PreparedStatement ps, int first, Filter filter) throws SQLException {
        int i = first;
        if (!filter.types().isEmpty()) {
            ps.setArray(i++, ps.getConnection().createArrayOf("text", filter.types().toArray()));
        }
        if (filter.from() != null) {
            ps.setObject(i++, filter.from().atOffset(ZoneOffset.UTC));
        }
        if (filter.to() != null) {
            ps.setObject(i++, filter.to().atOffset(ZoneOffset.UTC));
        }
        return i;
    }

    private Instant[] range(Connection c, Scope all) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(e.occurred_at), max(e.occurred_at) FROM "
                + q.table("events") + " e WHERE " + all.where())) {
            all.bind(ps, 1, c);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                OffsetDateTime first = rs.getObject(1, OffsetDateTime.class);
                OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
                return new Instant[] {first == null ? null : first.toInstant(), last == null ? null : last.toInstant()};
            }
        }
    }

    private long count(Connection c, Scope all, Filter filter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + q.table("events") + " e WHERE "
                + all.where() + filtered(filter))) {
            bindFilter(ps, all.bind(ps, 1, c), filter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The events whole, in the order of {@code ids}; an erased subject's are left out. */
    private List<StreamHistory.Change> changes(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, StoredEvent> byId = new HashMap<>();
        for (StoredEvent e : q.events(c, "WHERE event_id = ANY(?)", ps -> ps.setArray(1, c.createArrayOf("text",
                ids.toArray())))) {
            byId.put(e.eventId(), e);
        }
        List<StreamHistory.Change> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            StoredEvent e = StreamHistory.opened(byId.get(id), codec);
            if (e != null) {
                out.add(new StreamHistory.Change(e, StreamHistory.parse(e), null));
            }
        }
        return out;
    }

    /** Where a page ended: opaque to clients (URL-safe base64 of its three parts). */
    record Cursor(Instant at, String streamId, long seq) {
        String encode() {
            String text = at.getEpochSecond() + ":" + at.getNano() + ":" + seq + ":" + streamId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String text) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 4);
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[3],
                        Long.parseLong(parts[2]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("after must be the next_after of a previous page, was '" + text + "'");
            }
        }
    }
}
