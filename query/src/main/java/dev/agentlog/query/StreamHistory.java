package dev.agentlog.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.BlockVersionRow;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.replay.StoredEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Every change of one stream (an agent, a block, an archive), in stream order, with when, what, who (actor)
 * and through what (source); a block edit also with the value before and after and a unified diff of the two
 * ({@link LineDiff}), taken from {@code block_versions}. {@code agentlog history} and
 * {@code GET /v1/agents/{id}/history}, {@code GET /v1/blocks/{id}/history}. Pages by stream_seq.
 * Thread-safe.
 */
public final class StreamHistory {
    public static final int DEFAULT_LIMIT = 1_000;
    public static final int MAX_LIMIT = 100_000;

    private final DataSource dataSource;
    private final TableQueries q;

    private EventCodec codec = EventCodec.standard();
    /** Read every version of the block for each page (the reference reading; see {@link #versionsOfPage}). */
    private boolean everyVersion;

    public StreamHistory(DataSource dataSource, String schema) {
        SinkSettings.defaults().withSchema(schema);
        this.dataSource = dataSource;
        this.q = new TableQueries(schema);
    }

    /** Reads payloads with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public StreamHistory withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /** {@link #of(String, long, int, String)} for a reader of every tenant. */
    public Optional<History> of(String streamId, long afterSeq, int limit) throws SQLException {
        return of(streamId, afterSeq, limit, null);
    }

    /**
     * The changes after {@code afterSeq} (0: from the first), at most {@code limit}; empty when the stream has
     * no events at all, or is not {@code tenant}'s (the same answer: another tenant's ids cannot be probed).
     *
     * @param tenant the reader's tenant; null: a reader of every tenant
     */
    public Optional<History> of(String streamId, long afterSeq, int limit, String tenant) throws SQLException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("--limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (afterSeq < 0) {
            throw new IllegalArgumentException("--after-seq must be >= 0, was " + afterSeq);
        }
        try (Connection c = TableQueries.snapshot(dataSource.getConnection())) {
            try {
                if (!ReadScope.of(tenant).mayRead(c, q, streamId) || !q.erased(c, List.of(streamId)).isEmpty()) {
                    return Optional.empty(); // an erased subject has no history to show
                }
                List<StoredEvent> events = q.events(c, "WHERE stream_id = ? AND stream_seq > ? ORDER BY stream_seq"
                        + " LIMIT ?", ps -> {
                            ps.setString(1, streamId);
                            ps.setLong(2, afterSeq);
                            ps.setInt(3, limit + 1);
                        });
                if (events.isEmpty() && (afterSeq == 0 || q.events(c, "WHERE stream_id = ? LIMIT 1",
                        ps -> ps.setString(1, streamId)).isEmpty())) {
                    return Optional.empty();
                }
                Long next = null;
                if (events.size() > limit) {
                    events = events.subList(0, limit);
                    next = events.get(limit - 1).streamSeq();
                }
                // a page that is the whole stream needs every version: one pass reads them (the slice would read
                // them twice, once to find the page's own versions and once for the rows)
                boolean wholeStream = afterSeq == 0 && next == null;
                List<BlockVersionRow> versions = events.stream().anyMatch(StreamHistory::isBlockEdit)
                        ? (everyVersion || wholeStream ? everyVersion(c, streamId) : versionsOfPage(c, streamId, events))
                        : List.of();
                Map<String, Integer> versionIndexByEvent = new HashMap<>();
                for (int i = 0; i < versions.size(); i++) {
                    versionIndexByEvent.put(versions.get(i).eventId(), i);
                }
                List<Change> changes = new ArrayList<>(events.size());
                for (StoredEvent stored : events) {
                    StoredEvent e = opened(stored, codec);
                    if (e == null) {
                        continue;
                    }
                    BlockEdit edit = null;
                    if (isBlockEdit(e)) {
                        Integer index = versionIndexByEvent.get(e.eventId());
                        BlockVersionRow made = index == null ? null : versions.get(index);
                        BlockVersionRow before = index == null || index == 0 ? null : versions.get(index - 1);
                        edit = BlockEdit.of(before, made);
                    }
                    changes.add(new Change(e, parse(e), edit));
                }
                // positions of the log of record start at 1 and have no gaps: a first page that starts later is a
                // schema rebuilt from a snapshot, whose events below it could not come back (docs/replay.md)
                Long firstHeld = afterSeq == 0 && !events.isEmpty() && events.get(0).streamSeq() != null
                        && events.get(0).streamSeq() > 1 ? events.get(0).streamSeq() : null;
                return Optional.of(new History(streamId, changes, next, firstHeld));
            } finally {
                c.rollback();
            }
        }
    }

    /**
     * Reads every version of a block for each page, as before the page's slice was read: the reference of
     * QueryFastPathsPropertyTest and the bench's "before".
     */
    public StreamHistory readingEveryVersion() {
        this.everyVersion = true;
        return this;
    }

    /** The reference reading: every version of the block, in version order. */
    private List<BlockVersionRow> everyVersion(Connection c, String blockId) throws SQLException {
        return q.rows(c, Tables.BLOCK_VERSIONS, "WHERE t.block_id = ? ORDER BY t.version", ps -> ps.setString(1, blockId));
    }

    /**
     * The slice of the block's versions (in version order) that a page needs: from the version before the lowest one
     * the page's edits made to the highest one they made; the same neighbours as in {@link #everyVersion}, since the
     * slice is a contiguous run of that list whose first row is the global first or a version no edit of the page made.
     * The versions the page made are found by their event ids within the page's time range (a version's occurred_at is
     * its event's), through {@code block_versions_block_time}: a block of 20,000 versions costs a page of 1,000 what a
     * block of 1,000 does.
     */
    private List<BlockVersionRow> versionsOfPage(Connection c, String blockId, List<StoredEvent> page)
            throws SQLException {
        List<StoredEvent> edits = page.stream().filter(StreamHistory::isBlockEdit).toList();
        java.time.OffsetDateTime from = edits.stream().map(StoredEvent::occurredAt).min(java.util.Comparator.naturalOrder())
                .orElseThrow();
        java.time.OffsetDateTime to = edits.stream().map(StoredEvent::occurredAt).max(java.util.Comparator.naturalOrder())
                .orElseThrow();
        Object[] ids = edits.stream().map(StoredEvent::eventId).toArray();
        String versions = q.table("block_versions");
        return q.rows(c, Tables.BLOCK_VERSIONS, "JOIN (SELECT min(m.version) AS lo, max(m.version) AS hi FROM " + versions
                + " m WHERE m.block_id = ? AND m.occurred_at >= ? AND m.occurred_at <= ? AND m.event_id = ANY(?)) made"
                + " ON true WHERE t.block_id = ? AND t.version <= made.hi AND t.version >= coalesce((SELECT max(p.version)"
                + " FROM " + versions + " p WHERE p.block_id = ? AND p.version < made.lo), made.lo) ORDER BY t.version",
                ps -> {
                    ps.setString(1, blockId);
                    ps.setObject(2, from);
                    ps.setObject(3, to);
                    ps.setArray(4, c.createArrayOf("text", ids));
                    ps.setString(5, blockId);
                    ps.setString(6, blockId);
                });
    }

    /** The event with its sealed payload opened; null when its subject was erased. */
    static StoredEvent opened(StoredEvent e, EventCodec codec) {
        try {
            return e.opened(codec);
        } catch (InvalidEventException ex) {
            throw new IllegalStateException("event " + e.eventId() + " in the events table does not open ("
                    + ex.getMessage() + "); run `agentlog verify`", ex);
        }
    }

    private static boolean isBlockEdit(StoredEvent e) {
        return e.type().equals("block.created") || e.type().equals("block.updated");
    }

    static JsonNode parse(StoredEvent e) {
        try {
            return EventCodec.JSON.readTree(e.payloadJson());
        } catch (IOException ex) {
            throw new UncheckedIOException("payload of event " + e.eventId() + " is not JSON", ex);
        }
    }

    /**
     * A page of a stream's changes.
     *
     * @param nextAfterSeq pass as {@code after_seq} for the next page; null on the last page
     */
    /**
     * A page of a stream's changes.
     *
     * @param firstSeqHeld on the first page of a stream whose beginning this schema does not hold (rebuilt from a
     *     snapshot after the database was lost), the first position it holds; else null
     */
    public record History(String streamId, List<Change> changes, Long nextAfterSeq, Long firstSeqHeld) {
        public History {
            changes = List.copyOf(changes);
        }

        public ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("stream_id", streamId);
            if (firstSeqHeld != null) {
                out.put("first_seq_held", firstSeqHeld);
            }
            ArrayNode array = out.putArray("changes");
            changes.forEach(change -> array.add(change.toJson()));
            if (nextAfterSeq == null) {
                out.putNull("next_after_seq");
            } else {
                out.put("next_after_seq", nextAfterSeq);
            }
            return out;
        }

        /** For a terminal: one line per change, block edits followed by their diff, indented. */
        public String toText() {
            StringBuilder out = new StringBuilder();
            if (firstSeqHeld != null) {
                out.append("positions 1 to ").append(firstSeqHeld - 1).append(" of ").append(streamId)
                        .append(" are not in this schema: it was rebuilt from a snapshot, which holds the tables, not"
                                + " the events (docs/replay.md)\n");
            }
            for (Change change : changes) {
                out.append(change.headline()).append('\n');
                BlockEdit edit = change.blockEdit();
                if (edit != null) {
                    out.append("    ").append(edit.describe()).append('\n');
                    for (String line : edit.diff().split("\n", -1)) {
                        if (!line.isEmpty()) {
                            out.append("    ").append(line).append('\n');
                        }
                    }
                }
            }
            if (nextAfterSeq != null) {
                out.append("... more after stream_seq ").append(nextAfterSeq).append(" (--after-seq ")
                        .append(nextAfterSeq).append(")\n");
            }
            return out.toString();
        }
    }

    /**
     * One change.
     *
     * @param blockEdit for block.created and block.updated: the version it made and the diff; else null
     */
    public record Change(StoredEvent event, JsonNode payload, BlockEdit blockEdit) {
        ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("stream_id", event.streamId());
            out.put("stream_seq", event.streamSeq());
            out.put("occurred_at", RowJson.time(event.occurredAt().toInstant()));
            out.put("type", event.type());
            out.put("event_id", event.eventId());
            out.put("actor", event.actor());
            out.put("source", event.source());
            out.put("agent_id", event.agentId());
            out.put("summary", Summaries.of(event.type(), payload));
            out.set("payload", payload);
            if (blockEdit != null) {
                out.set("block_edit", blockEdit.toJson());
            }
            return out;
        }

        String headline() {
            StringBuilder line = new StringBuilder();
            line.append('#').append(event.streamSeq()).append("  ").append(RowJson.time(event.occurredAt().toInstant()))
                    .append("  ").append(event.type());
            String summary = Summaries.of(event.type(), payload);
            if (!summary.isEmpty()) {
                line.append("  ").append(summary);
            }
            if (event.actor() != null) {
                line.append("  by ").append(event.actor());
            }
            if (event.agentId() != null) {
                line.append("  (agent ").append(event.agentId()).append(')');
            }
            if (event.source() != null) {
                line.append("  via ").append(event.source());
            }
            return line.toString();
        }
    }

    /**
     * A block edit: the version it made (null when the sink did not apply it: a stale version) and the one
     * before it, with a unified diff of their values.
     */
    public record BlockEdit(Integer fromVersion, Integer toVersion, String oldValue, String newValue, String diff) {
        static BlockEdit of(BlockVersionRow before, BlockVersionRow made) {
            if (made == null) {
                return new BlockEdit(null, null, null, null, "");
            }
            String oldValue = before == null ? null : before.value();
            String diff = LineDiff.unified(oldValue, made.value(),
                    before == null ? "(no value)" : "version " + before.version(), "version " + made.version());
            return new BlockEdit(before == null ? null : before.version(), made.version(), oldValue, made.value(), diff);
        }

        public boolean applied() {
            return toVersion != null;
        }

        String describe() {
            if (!applied()) {
                return "not applied: its version was not newer than the block's (Letta's optimistic lock)";
            }
            String change = (fromVersion == null ? "new block" : "version " + fromVersion) + " -> version " + toVersion;
            return diff.isEmpty() ? change + " (value unchanged)" : change;
        }

        ObjectNode toJson() {
            ObjectNode out = EventCodec.JSON.createObjectNode();
            out.put("applied", applied());
            RowJson.put(out, "from_version", fromVersion);
            RowJson.put(out, "to_version", toVersion);
            RowJson.put(out, "old_value", oldValue);
            RowJson.put(out, "new_value", newValue);
            out.put("diff", diff);
            return out;
        }
    }
}
