package dev.agentlog.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.SinkSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The agents the projection knows, searched by a piece of their name or id and paged: each with its name, id,
 * type, when it was created and deleted, when its stream last changed, and how many events, messages, blocks and
 * in-context messages it has. {@code GET /v1/agents?query=&page=&page_size=}, the web UI's first view.
 *
 * <p>One snapshot per call. Each counted figure is one index lookup per listed agent (the stream's last position
 * through {@code (stream_id, stream_seq)}, messages through {@code messages_agent}, blocks and the window through
 * their primary keys), so a page costs the same however long the agents' histories are. A reader with a tenant sees
 * only that tenant's agents ({@link ReadScope}). Thread-safe.
 */
public final class AgentDirectory {
    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 500;
    /** Longer searches are refused: a name or an id is never that long. */
    public static final int MAX_QUERY_CHARS = 256;

    private final DataSource dataSource;
    private final TableQueries q;

    public AgentDirectory(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.q = new TableQueries(schema);
    }

    /** One listed agent. {@code lastActivity} and the counts are of its own stream and rows. */
    public record Entry(String agentId, String name, String agentType, Instant createdAt, Instant deletedAt,
            Instant lastActivity, long events, long messages, long blocks, long inContext) {
        ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("agent_id", agentId);
            RowJson.put(out, "name", name);
            RowJson.put(out, "agent_type", agentType);
            RowJson.put(out, "created_at", createdAt);
            RowJson.put(out, "deleted_at", deletedAt);
            RowJson.put(out, "last_activity", lastActivity);
            out.put("events", events);
            out.put("messages", messages);
            out.put("blocks", blocks);
            out.put("in_context", inContext);
            return out;
        }
    }

    /** A page of agents and how many match in all. */
    public record Page(String query, int page, int pageSize, long total, List<Entry> agents) {
        public Page {
            agents = List.copyOf(agents);
        }

        public ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            RowJson.put(out, "query", query);
            out.put("page", page);
            out.put("page_size", pageSize);
            out.put("total", total);
            out.put("pages", Math.max(1, (total + pageSize - 1) / pageSize));
            ArrayNode array = out.putArray("agents");
            agents.forEach(a -> array.add(a.toJson()));
            return out;
        }
    }

    /**
     * The agents whose id or name contains {@code query} (case-insensitive; null or blank: every agent), by name
     * then id, page {@code page} (from 1) of {@code pageSize}.
     *
     * @param tenant the reader's tenant; null: a reader of every tenant
     */
    public Page list(String query, int page, int pageSize, String tenant) throws SQLException {
        if (page < 1) {
            throw new IllegalArgumentException("page must be at least 1, was " + page);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page_size must be between 1 and " + MAX_PAGE_SIZE + ", was " + pageSize);
        }
        String search = query == null || query.isBlank() ? null : query.strip();
        if (search != null && search.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException("query must be at most " + MAX_QUERY_CHARS + " characters, was "
                    + search.length());
        }
        String pattern = search == null ? null : "%" + likeEscaped(search) + "%";
        String where = " WHERE (CAST(? AS text) IS NULL OR a.agent_id ILIKE ? ESCAPE '\\' OR a.name ILIKE ? ESCAPE '\\')"
                + (tenant == null ? "" : " AND a.tenant = ?");
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                long total;
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + q.table("agents") + " a" + where)) {
                    bindSearch(ps, pattern, tenant);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total = rs.getLong(1);
                    }
                }
                List<Entry> entries = new ArrayList<>();
                String sql = "SELECT a.agent_id, a.name, a.agent_type, a.created_at, a.deleted_at,"
                        + " last.occurred_at, coalesce(last.stream_seq, 0),"
                        + " (SELECT count(*) FROM " + q.table("messages") + " m WHERE m.agent_id = a.agent_id),"
                        + " (SELECT count(*) FROM " + q.table("agent_blocks") + " b WHERE b.agent_id = a.agent_id),"
                        + " (SELECT count(*) FROM " + q.table("agent_context") + " x WHERE x.agent_id = a.agent_id)"
                        + " FROM " + q.table("agents") + " a"
                        + " LEFT JOIN LATERAL (SELECT e.occurred_at, e.stream_seq FROM " + q.table("events") + " e"
                        + " WHERE e.stream_id = a.agent_id AND e.stream_seq IS NOT NULL ORDER BY e.stream_seq DESC LIMIT 1)"
                        + " last ON true" + where + " ORDER BY a.name NULLS LAST, a.agent_id LIMIT ? OFFSET ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int next = bindSearch(ps, pattern, tenant);
                    ps.setInt(next, pageSize);
                    ps.setLong(next + 1, (long) (page - 1) * pageSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            entries.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                                    instant(rs, 5), instant(rs, 6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                    rs.getLong(10)));
                        }
                    }
                }
                return new Page(search, page, pageSize, total, entries);
            } finally {
                c.rollback();
            }
        }
    }

    /** Binds the search (three times) and the tenant; returns the next parameter's index. */
    private static int bindSearch(PreparedStatement ps, String pattern, String tenant) throws SQLException {
        ps.setString(1, pattern);
        ps.setString(2, pattern);
        ps.setString(3, pattern);
        if (tenant == null) {
            return 4;
        }
        ps.setString(4, tenant);
        return 5;
    }

    /** The text with LIKE's wildcards and its escape character taken literally. */
    static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
