package dev.agentlog.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.StreamKind;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.AgentArchiveRow;
import dev.agentlog.sink.fold.AgentBlockRow;
import dev.agentlog.sink.fold.AgentRow;
import dev.agentlog.sink.fold.ArchiveRow;
import dev.agentlog.sink.fold.BlockRow;
import dev.agentlog.sink.fold.BlockVersionRow;
import dev.agentlog.sink.fold.ContextRow;
import dev.agentlog.sink.fold.MessageRow;
import dev.agentlog.sink.fold.PassageRow;
import dev.agentlog.sink.fold.ProjectionFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.query.AgentState.AttachedArchive;
import dev.agentlog.query.AgentState.AttachedBlock;
import dev.agentlog.query.AgentState.ContextEntry;
import dev.agentlog.sink.replay.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * An agent's state now (from the projection tables) or at a past instant (from the log in {@code events} and
 * {@code block_versions}), as one {@link AgentState}. Each call reads one repeatable-read snapshot.
 *
 * <p>A past instant T is answered without replaying the agent's history: the agent's few lifecycle events
 * (agent.*, block and archive attach/detach) up to T and its one latest context.updated up to T are folded
 * with the sink's own fold ({@link ProjectionFold}); each attached block is one {@code block_versions} lookup;
 * each message of that window is its current row when it has not changed since T, otherwise the fold of its own
 * few events (indexed by message_id); passage counts and the latest passages are one SQL query per archive over
 * that archive's passage events. Every lookup goes through an index (migration V2). Events count by
 * {@code occurred_at <= T}; within a stream, occurred_at is taken to grow with stream_seq.
 *
 * <p>Tenants: with a tenant, another tenant's agent (or one of no tenant) is not found, the same answer as for
 * an agent that does not exist ({@link ReadScope}). Within a tenant's agent, what belongs to other streams and
 * another tenant stays hidden: an attached block or archive of another tenant shows as one not created (no
 * version, no archive row, no passages), and a message of another tenant's agent listed in the context window
 * as one that does not exist. Without a tenant, everything is shown.
 *
 * <p>Thread-safe (no state besides the DataSource).
 *
 * <p>Longer than this project's 400 lines on purpose: the two readings, now and at T, share the scope rules and
 * the row helpers and are kept side by side, so that they stay one answer to one question (PointInTimeTest compares
 * them at the present instant).
 */
public final class AgentStates {
    /** How many of the newest passages of each archive a state lists unless told otherwise. */
    public static final int DEFAULT_LATEST_PASSAGES = 10;
    /**
     * The agent stream's events a past state folds whole: every type of the agent's stream but its messages and its
     * default window (whose one latest context.updated is enough, and whose messages are looked up one by one).
     */
    private static final String LIFECYCLE_TYPES = "(" + String.join(", ", java.util.Arrays.stream(EventType.values())
            .filter(t -> t.streamKind() == StreamKind.AGENT && !t.wireName().startsWith("message.")
                    && t != EventType.CONTEXT_UPDATED)
            .map(t -> "'" + t.wireName() + "'").toList()) + ")";
    /** Blocks by the label they are attached under (human, persona, ...), then id: the same order for a fork. */
    private static final Comparator<AgentBlockRow> BLOCK_ORDER = Comparator
            .comparing(AgentBlockRow::label, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(AgentBlockRow::blockId);
    private static final String MESSAGE_TYPES = "('message.created', 'message.updated', 'message.deleted')";

    private final DataSource dataSource;
    private final TableQueries q;
    private final String schema;
    private EventCodec codec = EventCodec.standard();
    /** The reference reading of a past state: each block and archive with its own few statements (see {@link #blocksAt}). */
    private boolean oneByOne;

    public AgentStates(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.q = new TableQueries(schema);
        this.schema = schema;
    }

    /** Reads the log with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public AgentStates withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * Reads a past state's blocks and archives one statement at a time, as before they were read in one statement each:
     * the reference that QueryFastPathsPropertyTest holds the one-statement reads to, and the bench's "before".
     */
    public AgentStates readingOneByOne() {
        this.oneByOne = true;
        return this;
    }

    /** The agent as the projection tables hold it now, for a reader of every tenant. */
    public Optional<AgentState> current(String agentId, int latestPassages) throws SQLException {
        return current(agentId, latestPassages, null);
    }

    /**
     * The agent as the projection tables hold it now; empty when they know nothing of it, or when it is not
     * {@code tenant}'s.
     *
     * @param tenant the reader's tenant; null: a reader of every tenant
     */
    public Optional<AgentState> current(String agentId, int latestPassages, String tenant) throws SQLException {
        checkPassages(latestPassages);
        ReadScope scope = ReadScope.of(tenant);
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                if (!scope.mayRead(c, q, agentId)) {
                    return Optional.empty();
                }
                AgentRow agent = first(q.rows(c, Tables.AGENTS, "WHERE t.agent_id = ?", ps -> ps.setString(1, agentId)));
                List<AttachedBlock> blocks = new ArrayList<>();
                List<AgentBlockRow> attachedBlocks = new ArrayList<>(q.rows(c, Tables.AGENT_BLOCKS,
                        "WHERE t.agent_id = ?", ps -> ps.setString(1, agentId)));
                attachedBlocks.sort(BLOCK_ORDER);
                for (AgentBlockRow attached : attachedBlocks) {
                    BlockRow block = scope.visible(first(q.rows(c, Tables.BLOCKS, "WHERE t.block_id = ?",
                            ps -> ps.setString(1, attached.blockId()))), BlockRow::tenant);
                    BlockVersionRow version = block == null ? null : first(q.rows(c, Tables.BLOCK_VERSIONS,
                            "WHERE t.block_id = ? AND t.version = ?", ps -> {
                                ps.setString(1, block.blockId());
                                ps.setInt(2, block.version());
                            }));
                    blocks.add(new AttachedBlock(attached.blockId(), attached.label(), version,
                            block == null ? null : block.deletedAt()));
                }
                List<ContextRow> window = q.rows(c, Tables.AGENT_CONTEXT, "WHERE t.agent_id = ? ORDER BY t.position",
                        ps -> ps.setString(1, agentId));
                Map<String, MessageRow> messages = messages(c, window, agentId, scope);
                List<ContextEntry> context = new ArrayList<>();
                for (ContextRow row : window) {
                    context.add(new ContextEntry(row.position(), row.messageId(), messages.get(row.messageId())));
                }
                List<AttachedArchive> archives = new ArrayList<>();
                for (AgentArchiveRow attached : q.rows(c, Tables.AGENT_ARCHIVES,
                        "WHERE t.agent_id = ? ORDER BY t.archive_id", ps -> ps.setString(1, agentId))) {
                    String archiveId = attached.archiveId();
                    ArchiveRow archive = scope.visible(first(q.rows(c, Tables.ARCHIVES, "WHERE t.archive_id = ?",
                            ps -> ps.setString(1, archiveId))), ArchiveRow::tenant);
                    if (archive == null && !scope.everyTenant()) {
                        // another tenant's, or not created yet: its passages cannot be told to be this tenant's
                        archives.add(new AttachedArchive(archiveId, null, 0, List.of()));
                        continue;
                    }
                    long count = count(c, "SELECT count(*) FROM " + q.table("passages") + " WHERE archive_id = ?",
                            ps -> ps.setString(1, archiveId));
                    List<PassageRow> latest = q.rows(c, Tables.PASSAGES,
                            "WHERE t.archive_id = ? ORDER BY t.created_at DESC, t.passage_id DESC LIMIT ?", ps -> {
                                ps.setString(1, archiveId);
                                ps.setInt(2, latestPassages);
                            });
                    archives.add(new AttachedArchive(archiveId, archive, count, latest));
                }
                AgentState state = new AgentState(agentId, null, agent, blocks, context, archives, surroundings(c, agentId));
                return state.exists() ? Optional.of(state) : Optional.empty();
            } finally {
                c.rollback();
            }
        }
    }

    /** The agent as it was at {@code at}, for a reader of every tenant. */
    public Optional<AgentState> at(String agentId, Instant at, int latestPassages) throws SQLException {
        return at(agentId, at, latestPassages, null);
    }

    /**
     * The agent as it was at {@code at}; empty when the log knows nothing of it by then, or when it is not
     * {@code tenant}'s.
     *
     * @throws LogHorizon.BeforeHorizon when {@code at} is before the oldest snapshot kept (the log may have lost it),
     *     or the agent began before the snapshot this schema was rebuilt from ({@link LogHorizon.BeginningNotHeld})
     * @param tenant the reader's tenant; null: a reader of every tenant
     */
    public Optional<AgentState> at(String agentId, Instant at, int latestPassages, String tenant) throws SQLException {
        checkPassages(latestPassages);
        ReadScope scope = ReadScope.of(tenant);
        OffsetDateTime t = at.atOffset(ZoneOffset.UTC);
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                LogHorizon.check(c, schema, at);
                if (!scope.mayRead(c, q, agentId) || !q.erased(c, List.of(agentId)).isEmpty()) {
                    return Optional.empty(); // an erased agent was never there, at any instant
                }
                LogHorizon.requireBeginningHeld(c, schema, agentId);
                List<StoredEvent> lifecycle = q.events(c, "WHERE stream_id = ? AND type IN " + LIFECYCLE_TYPES
                        + " AND occurred_at <= ? ORDER BY stream_seq", ps -> {
                            ps.setString(1, agentId);
                            ps.setObject(2, t);
                        });
                List<StoredEvent> agentStream = new ArrayList<>(lifecycle);
                agentStream.addAll(q.events(c, "WHERE stream_id = ? AND type = 'context.updated' AND occurred_at <= ?"
                        + " ORDER BY occurred_at DESC, stream_seq DESC LIMIT 1", ps -> {
                            ps.setString(1, agentId);
                            ps.setObject(2, t);
                        }));
                // the cascades from other streams: a deleted block or archive loses its attachments
                Set<String> attachedEver = new LinkedHashSet<>();
                for (StoredEvent e : lifecycle) {
                    String ref = payloadText(e, e.type().equals("block.attached") ? "block_id"
                            : e.type().equals("archive.attached") ? "archive_id" : null);
                    if (ref != null) {
                        attachedEver.add(ref);
                    }
                }
                List<StoredEvent> all = new ArrayList<>(agentStream);
                if (!attachedEver.isEmpty()) {
                    all.addAll(q.events(c, "WHERE stream_id = ANY(?) AND type IN ('block.deleted', 'archive.deleted')"
                            + " AND occurred_at <= ?", ps -> {
                                ps.setArray(1, c.createArrayOf("text", attachedEver.toArray()));
                                ps.setObject(2, t);
                            }));
                }
                ProjectionState scratch = fold(LogOrder.merge(all));

                AgentRow agent = scratch.table(Tables.AGENTS).get(agentId);
                List<AgentBlockRow> attachedBlocks = sorted(scratch.table(Tables.AGENT_BLOCKS).values(), agentId,
                        AgentBlockRow::agentId, BLOCK_ORDER);
                List<AttachedBlock> blocks = new ArrayList<>();
                if (oneByOne) {
                    for (AgentBlockRow attached : attachedBlocks) {
                        blocks.add(blockAt(c, attached, t, scope));
                    }
                } else {
                    blocks.addAll(blocksAt(c, attachedBlocks, t, scope));
                }
                List<ContextRow> window = sorted(scratch.table(Tables.AGENT_CONTEXT).values(), agentId,
                        ContextRow::agentId, Comparator.comparingInt(ContextRow::position));
                Map<String, MessageRow> messages = messagesAt(c, agentId, window, agentStream, at, t, scope);
                List<ContextEntry> context = new ArrayList<>();
                for (ContextRow row : window) {
                    context.add(new ContextEntry(row.position(), row.messageId(), messages.get(row.messageId())));
                }
                List<AttachedArchive> archives = new ArrayList<>();
                for (AgentArchiveRow attached : sorted(scratch.table(Tables.AGENT_ARCHIVES).values(), agentId,
                        AgentArchiveRow::agentId, Comparator.comparing(AgentArchiveRow::archiveId))) {
                    archives.add(oneByOne ? archiveAt(c, attached.archiveId(), t, latestPassages, scope)
                            : archiveAtOnce(c, attached.archiveId(), t, latestPassages, scope));
                }
                AgentSurroundings surroundings = AgentSurroundings.of(agentId,
                        scratch.table(Tables.CONVERSATIONS).values(), scratch.table(Tables.CONVERSATION_MESSAGES).values(),
                        scratch.table(Tables.CONVERSATION_BLOCKS).values(), scratch.table(Tables.AGENT_FILES).values(),
                        scratch.table(Tables.AGENT_LINKS).values());
                AgentState state = new AgentState(agentId, at, agent, blocks, context, archives, surroundings);
                return state.exists() ? Optional.of(state) : Optional.empty();
            } finally {
                c.rollback();
            }
        }
    }

    private AttachedBlock blockAt(Connection c, AgentBlockRow attached, OffsetDateTime t, ReadScope scope)
            throws SQLException {
        String blockId = attached.blockId();
        if (!scope.mayRead(c, q, blockId)) {
            return new AttachedBlock(blockId, attached.label(), null, null);
        }
        BlockVersionRow version = first(q.rows(c, Tables.BLOCK_VERSIONS,
                "WHERE t.block_id = ? AND t.occurred_at <= ? ORDER BY t.occurred_at DESC, t.version DESC LIMIT 1", ps -> {
                    ps.setString(1, blockId);
                    ps.setObject(2, t);
                }));
        StoredEvent lifecycle = first(q.events(c, "WHERE stream_id = ? AND type IN ('block.created', 'block.deleted')"
                + " AND occurred_at <= ? ORDER BY occurred_at DESC, stream_seq DESC LIMIT 1", ps -> {
                    ps.setString(1, blockId);
                    ps.setObject(2, t);
                }));
        Instant deletedAt = lifecycle != null && lifecycle.type().equals("block.deleted")
                ? lifecycle.occurredAt().toInstant() : null;
        return new AttachedBlock(blockId, attached.label(), version, deletedAt);
    }

    /**
     * Every attached block as of T in one statement (one round trip however many blocks): for each, what
     * {@link #blockAt} reads with two (its latest version at or before T, and whether its latest lifecycle event by
     * then is a deletion), each still one index descent ({@code block_versions_block_time},
     * {@code events_stream_type_time}) through a lateral join.
     */
    private List<AttachedBlock> blocksAt(Connection c, List<AgentBlockRow> attached, OffsetDateTime t, ReadScope scope)
            throws SQLException {
        List<String> readable = new ArrayList<>();
        for (AgentBlockRow block : attached) {
            if (scope.mayRead(c, q, block.blockId())) {
                readable.add(block.blockId());
            }
        }
        Map<String, AttachedBlock> found = new HashMap<>();
        if (!readable.isEmpty()) {
            String versionColumns = q.columns(Tables.BLOCK_VERSIONS, "v");
            try (PreparedStatement ps = c.prepareStatement("SELECT b.id, " + versionColumns + ", e.type, e.occurred_at"
                    + " FROM unnest(?::text[]) AS b(id)"
                    + " LEFT JOIN LATERAL (SELECT * FROM " + q.table("block_versions") + " t WHERE t.block_id = b.id"
                    + " AND t.occurred_at <= ? ORDER BY t.occurred_at DESC, t.version DESC LIMIT 1) v ON true"
                    + " LEFT JOIN LATERAL (SELECT x.type, x.occurred_at FROM " + q.table("events") + " x"
                    + " WHERE x.stream_id = b.id AND x.type IN ('block.created', 'block.deleted') AND x.occurred_at <= ?"
                    + " ORDER BY x.occurred_at DESC, x.stream_seq DESC LIMIT 1) e ON true")) {
                ps.setArray(1, c.createArrayOf("text", readable.toArray()));
                ps.setObject(2, t);
                ps.setObject(3, t);
                try (ResultSet rs = ps.executeQuery()) {
                    int after = 2 + Tables.BLOCK_VERSIONS.columns().size();
                    while (rs.next()) {
                        BlockVersionRow version = TableQueries.rowOrNull(rs, Tables.BLOCK_VERSIONS, 2);
                        OffsetDateTime lifecycleAt = rs.getObject(after + 1, OffsetDateTime.class);
                        Instant deletedAt = "block.deleted".equals(rs.getString(after)) ? lifecycleAt.toInstant() : null;
                        found.put(rs.getString(1), new AttachedBlock(rs.getString(1), null, version, deletedAt));
                    }
                }
            }
        }
        List<AttachedBlock> out = new ArrayList<>();
        for (AgentBlockRow block : attached) {
            AttachedBlock read = found.get(block.blockId());
            out.add(new AttachedBlock(block.blockId(), block.label(), read == null ? null : read.version(),
                    read == null ? null : read.deletedAt()));
        }
        return out;
    }

    /**
     * Each message of the window as of T: its current row when that was last written at or before T (nothing
     * touched it since), otherwise the fold of its own events up to T (with the agent's deletions, which
     * cascade to its messages); of the scope's tenant only.
     */
    private Map<String, MessageRow> messagesAt(Connection c, String agentId, List<ContextRow> window,
            List<StoredEvent> agentStream, Instant at, OffsetDateTime t, ReadScope scope) throws SQLException {
        Map<String, MessageRow> out = new HashMap<>();
        if (window.isEmpty()) {
            return out;
        }
        Map<String, MessageRow> current = messages(c, window, agentId, scope);
        Set<String> changedSince = new LinkedHashSet<>();
        for (ContextRow row : window) {
            MessageRow now = current.get(row.messageId());
            if (now != null && now.updatedAt() != null && !now.updatedAt().isAfter(at)) {
                out.put(row.messageId(), now);
            } else {
                changedSince.add(row.messageId());
            }
        }
        if (changedSince.isEmpty()) {
            return out;
        }
        List<StoredEvent> events = new ArrayList<>(q.events(c, "WHERE (payload ->> 'message_id') = ANY(?) AND type IN "
                + MESSAGE_TYPES + " AND occurred_at <= ?" + (scope.everyTenant() ? "" : " AND tenant = ?"), ps -> {
                    ps.setArray(1, c.createArrayOf("text", changedSince.toArray()));
                    ps.setObject(2, t);
                    if (!scope.everyTenant()) {
                        ps.setString(3, scope.tenant());
                    }
                }));
        agentStream.stream().filter(e -> e.type().equals("agent.deleted")).forEach(events::add);
        ProjectionState scratch = fold(LogOrder.merge(events));
        for (String id : changedSince) {
            MessageRow row = scratch.table(Tables.MESSAGES).get(id);
            if (row != null) {
                out.put(id, row);
            }
        }
        return out;
    }

    private AttachedArchive archiveAt(Connection c, String archiveId, OffsetDateTime t, int latestPassages,
            ReadScope scope) throws SQLException {
        if (!scope.mayRead(c, q, archiveId)) {
            return new AttachedArchive(archiveId, null, 0, List.of());
        }
        ArchiveRow archive = archiveRowAt(c, archiveId, t);
        // the passages alive at T: the last event of each passage_id is an insert after the archive's last deletion
        String alive = "WITH cut AS (SELECT coalesce(max(stream_seq), 0) AS seq FROM " + q.table("events")
                + " WHERE stream_id = ? AND type = 'archive.deleted' AND occurred_at <= ?),"
                + " last AS (SELECT DISTINCT ON (payload ->> 'passage_id') event_id, type, stream_seq, occurred_at, payload"
                + " FROM " + q.table("events") + " WHERE stream_id = ? AND type IN ('passage.inserted', 'passage.deleted')"
                + " AND occurred_at <= ? ORDER BY payload ->> 'passage_id', stream_seq DESC),"
                + " alive AS (SELECT last.* FROM last, cut WHERE last.type = 'passage.inserted' AND last.stream_seq > cut.seq) ";
        TableQueries.Binder bindAlive = ps -> {
            ps.setString(1, archiveId);
            ps.setObject(2, t);
            ps.setString(3, archiveId);
            ps.setObject(4, t);
        };
        long count = count(c, alive + "SELECT count(*) FROM alive", bindAlive);
        List<StoredEvent> newest = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(alive + "SELECT " + StoredEvent.columns("e") + " FROM alive JOIN "
                + q.table("events") + " e USING (event_id) ORDER BY coalesce((alive.payload ->> 'created_at')::timestamptz,"
                + " alive.occurred_at) DESC, alive.payload ->> 'passage_id' DESC LIMIT ?")) {
            bindAlive.bind(ps);
            ps.setInt(5, latestPassages);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    newest.add(StoredEvent.read(rs));
                }
            }
        }
        return new AttachedArchive(archiveId, archive, count, passageRows(newest));
    }

    /**
     * What {@link #archiveAt} answers, with the passages alive at T counted and the newest of them read in one statement
     * (the alive set computed once, not once for the count and once for the newest).
     */
    private AttachedArchive archiveAtOnce(Connection c, String archiveId, OffsetDateTime t, int latestPassages,
            ReadScope scope) throws SQLException {
        if (!scope.mayRead(c, q, archiveId)) {
            return new AttachedArchive(archiveId, null, 0, List.of());
        }
        ArchiveRow archive = archiveRowAt(c, archiveId, t);
        String events = q.table("events");
        long count = 0;
        List<StoredEvent> newest = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH cut AS (SELECT coalesce(max(stream_seq), 0) AS seq FROM "
                + events + " WHERE stream_id = ? AND type = 'archive.deleted' AND occurred_at <= ?),"
                + " last AS (SELECT DISTINCT ON (payload ->> 'passage_id') event_id, type, stream_seq, occurred_at, payload"
                + " FROM " + events + " WHERE stream_id = ? AND type IN ('passage.inserted', 'passage.deleted')"
                + " AND occurred_at <= ? ORDER BY payload ->> 'passage_id', stream_seq DESC),"
                + " alive AS MATERIALIZED (SELECT last.* FROM last, cut WHERE last.type = 'passage.inserted'"
                + " AND last.stream_seq > cut.seq),"
                + " newest AS (SELECT event_id, coalesce((payload ->> 'created_at')::timestamptz, occurred_at) AS created,"
                + " payload ->> 'passage_id' AS passage FROM alive ORDER BY 2 DESC, 3 DESC LIMIT ?)"
                + " SELECT " + StoredEvent.columns("e") + ", (SELECT count(*) FROM alive)"
                + " FROM (SELECT 1) AS one LEFT JOIN (newest JOIN " + events + " e USING (event_id)) ON true"
                + " ORDER BY newest.created DESC, newest.passage DESC")) {
            ps.setString(1, archiveId);
            ps.setObject(2, t);
            ps.setString(3, archiveId);
            ps.setObject(4, t);
            ps.setInt(5, latestPassages);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count = rs.getLong(StoredEvent.COLUMN_COUNT + 1);
                    if (rs.getString(1) != null) {
                        newest.add(StoredEvent.read(rs));
                    }
                }
            }
        }
        return new AttachedArchive(archiveId, archive, count, passageRows(newest));
    }

    /** The archive's row at T, folded from its lifecycle events up to T. */
    private ArchiveRow archiveRowAt(Connection c, String archiveId, OffsetDateTime t) throws SQLException {
        List<StoredEvent> lifecycle = q.events(c, "WHERE stream_id = ? AND type IN ('archive.created', 'archive.deleted')"
                + " AND occurred_at <= ? ORDER BY stream_seq", ps -> {
                    ps.setString(1, archiveId);
                    ps.setObject(2, t);
                });
        return fold(lifecycle).table(Tables.ARCHIVES).get(archiveId);
    }

    /** The passages of these insert events as rows, in the events' order. */
    private List<PassageRow> passageRows(List<StoredEvent> newest) {
        ProjectionState passages = fold(newest);
        List<PassageRow> latest = new ArrayList<>();
        for (StoredEvent e : newest) {
            PassageRow row = passages.table(Tables.PASSAGES).get(payloadText(e, "passage_id"));
            if (row != null) {
                latest.add(row);
            }
        }
        return latest;
    }

    /** The agent's conversations, files and links as the tables hold them now. */
    private AgentSurroundings surroundings(Connection c, String agentId) throws SQLException {
        TableQueries.Binder agent = ps -> ps.setString(1, agentId);
        return AgentSurroundings.of(agentId, q.rows(c, Tables.CONVERSATIONS, "WHERE t.agent_id = ?", agent),
                q.rows(c, Tables.CONVERSATION_MESSAGES, "WHERE t.agent_id = ?", agent),
                q.rows(c, Tables.CONVERSATION_BLOCKS, "WHERE t.agent_id = ?", agent),
                q.rows(c, Tables.AGENT_FILES, "WHERE t.agent_id = ?", agent),
                q.rows(c, Tables.AGENT_LINKS, "WHERE t.agent_id = ?", agent));
    }

    /**
     * The current rows of the window's messages: for a tenant, only those of this agent and of the tenant's
     * other agents (a context.updated may list any message id).
     */
    private Map<String, MessageRow> messages(Connection c, List<ContextRow> window, String agentId, ReadScope scope)
            throws SQLException {
        Map<String, MessageRow> out = new HashMap<>();
        if (window.isEmpty()) {
            return out;
        }
        Object[] ids = window.stream().map(ContextRow::messageId).distinct().toArray();
        String ofTenant = scope.everyTenant() ? "" : " AND (t.agent_id = ? OR t.agent_id IN (SELECT a.agent_id FROM "
                + q.table("agents") + " a WHERE a.tenant = ?))";
        for (MessageRow row : q.rows(c, Tables.MESSAGES, "WHERE t.message_id = ANY(?)" + ofTenant, ps -> {
            ps.setArray(1, c.createArrayOf("text", ids));
            if (!scope.everyTenant()) {
                ps.setString(2, agentId);
                ps.setString(3, scope.tenant());
            }
        })) {
            out.put(row.messageId(), row);
        }
        return out;
    }

    /** Folds the events, in the given order, into an empty projection (the sink's own fold). */
    private ProjectionState fold(List<StoredEvent> events) {
        ProjectionState state = new ProjectionState();
        for (StoredEvent e : events) {
            try {
                ProjectionFold.apply(e.toEvent(codec), state);
            } catch (InvalidEventException invalid) {
                throw new IllegalStateException("event " + e.eventId() + " of " + e.streamId() + " in the events table"
                        + " does not decode (" + invalid.getMessage() + "); run `agentlog verify`", invalid);
            }
        }
        return state;
    }

    private static String payloadText(StoredEvent e, String field) {
        if (field == null) {
            return null;
        }
        try {
            JsonNode value = EventCodec.JSON.readTree(e.payloadJson()).get(field);
            return value == null || !value.isTextual() ? null : value.textValue();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("event " + e.eventId() + " has a payload that is not JSON", ex);
        }
    }

    private long count(Connection c, String sql, TableQueries.Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static <R> List<R> sorted(Collection<R> rows, String agentId, java.util.function.Function<R, String> agentOf,
            Comparator<R> order) {
        return rows.stream().filter(r -> agentId.equals(agentOf.apply(r))).sorted(order).toList();
    }

    private static <R> R first(List<R> rows) {
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static void checkPassages(int latestPassages) {
        if (latestPassages < 0 || latestPassages > 10_000) {
            throw new IllegalArgumentException("--passages must be between 0 and 10000, was " + latestPassages);
        }
    }
}
