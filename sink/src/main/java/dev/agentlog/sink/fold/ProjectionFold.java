package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.AgentCreated;
import dev.agentlog.events.AgentUpdated;
import dev.agentlog.events.ArchiveAttached;
import dev.agentlog.events.ArchiveCreated;
import dev.agentlog.events.ArchiveDetached;
import dev.agentlog.events.BlockAttached;
import dev.agentlog.events.BlockCreated;
import dev.agentlog.events.BlockDetached;
import dev.agentlog.events.BlockUpdated;
import dev.agentlog.events.ContextUpdated;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventType;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.MessageUpdated;
import dev.agentlog.events.PassageDeleted;
import dev.agentlog.events.PassageInserted;
import dev.agentlog.events.RowChanged;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.SubjectErased;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fold: how one event of the log changes the projection tables. A pure function of (rows, event):
 * no clock, no I/O, so that folding a log gives the same rows however often and in whatever batches it
 * is applied, and so that the in-memory fold ({@link ProjectionState}) and the sink's batch writer
 * ({@link BatchOverlay}) share this one definition. Timestamps come from the event's {@code occurred_at}
 * (or a payload's own {@code created_at}), never from the clock.
 *
 * <p>Semantics, per type ({@code at} = the event's {@code occurred_at}, "stream" = its {@code stream_id}):
 * <ul>
 *   <li>{@code agent.created}: the agents row of the stream, whole (created_at = updated_at = at,
 *       deleted_at = null, organization_id from the envelope).</li>
 *   <li>{@code agent.updated}: only the fields present change, fields sent as JSON null become null,
 *       updated_at = at, organization_id from the envelope when it has one. No row yet: one is inserted
 *       with just those fields (nothing is lost when a log starts mid-stream).</li>
 *   <li>{@code agent.deleted}: deleted_at = updated_at = at (a row is made when there is none); the agent's
 *       messages, agent_context, agent_blocks and agent_archives rows are deleted. Its blocks and archives stay.</li>
 *   <li>{@code message.created}: the messages row, whole (agent_id = stream, created_at = payload created_at or
 *       at, updated_at = at, unknown payload fields in {@code extra}).</li>
 *   <li>{@code message.updated}: partial, like agent.updated; unknown fields are merged into {@code extra};
 *       no row yet: inserted with agent_id = stream.</li>
 *   <li>{@code message.deleted}: the row is deleted (agent_context is left as the next context.updated says).</li>
 *   <li>{@code context.updated}: the agent's agent_context rows are replaced by the list, position 0-based.</li>
 *   <li>{@code block.attached} / {@code block.detached}: the agent_blocks row (agent = stream) is upserted / deleted;
 *       likewise {@code archive.attached} / {@code archive.detached} for agent_archives.</li>
 *   <li>{@code block.created}: the blocks row at version 1 (created_at = updated_at = at), and block_versions
 *       row 1.</li>
 *   <li>{@code block.updated}: applied when payload {@code version} is absent (it becomes current + 1) or greater
 *       than the current version (Letta's optimistic lock; no row counts as version 0); an older or equal
 *       version changes nothing. An applied edit sets the present fields (JSON null clears), version,
 *       updated_at = at, and writes the block_versions row of that version with the block's whole value
 *       and label after the edit (also when only the label changed).</li>
 *   <li>{@code block.deleted}: deleted_at = updated_at = at; every agent_blocks row of the block is deleted
 *       (Letta cascades). block_versions keeps every version.</li>
 *   <li>{@code archive.created}: the archives row, whole (created_at = at). {@code archive.deleted}: deleted_at =
 *       at; the archive's passages and agent_archives rows are deleted.</li>
 *   <li>{@code passage.inserted}: the passages row, whole (archive_id = stream, created_at = payload created_at
 *       or at). {@code passage.deleted}: the row is deleted.</li>
 *   <li>{@code row.changed}: source_rows row of the stream = the after image (op c or u), deleted for op d; the
 *       columns an update names {@code unchanged} keep their last known value.</li>
 *   <li>{@code subject.erased}: every row of the agents, blocks and archives it names goes (docs/privacy.md): an
 *       agent's rows as agent.deleted removes them and its agents row too; a block's blocks, block_versions and
 *       agent_blocks rows; an archive's archives, passages and agent_archives rows.</li>
 *   <li>An event whose payload stays sealed after the reader opened it (its subject was erased: its key is gone)
 *       changes nothing; a sealed payload a reader could not open at all (no key store) stops the fold.</li>
 * </ul>
 * Every write of an agents, blocks or archives row sets its {@code tenant} to the event's (the stream's
 * tenant: the processor keeps each stream to one; see docs/sink.md, Tenants), so a row carries the tenant of
 * the stream it belongs to. A stale block.updated writes nothing, tenant included.
 *
 * <p>Deletes cascade by key, never by foreign key: streams are ordered each on its own, so a
 * {@code block.attached} may come before that block's {@code block.created}. Two cascades cross streams
 * ({@code block.deleted} on agent_blocks, {@code archive.deleted} on agent_archives): their result depends on
 * the order in which the sink applies the two streams, which only the log's partition order defines.
 */
public final class ProjectionFold {
    private ProjectionFold() {}

    /** Applies one event to the rows. The caller applies each event once (the sink: once per event_id). */
    public static void apply(Event event, Projection p) {
        if (event.payload() instanceof SealedPayload sealed) {
            if (sealed.erased()) {
                return; // its subject was erased: nothing of it is shown, ever again (docs/privacy.md)
            }
            throw new IllegalStateException("event " + event.eventId() + " has a sealed payload and this reader has no"
                    + " key store to open it: give it --kek-file (docs/privacy.md)");
        }
        Instant at = event.occurredAt().toInstant();
        String stream = event.streamId();
        switch (event.type()) {
            case SUBJECT_ERASED -> subjectErased((SubjectErased) event.payload(), p);
            case AGENT_CREATED -> agentCreated(event, (AgentCreated) event.payload(), p, at);
            case AGENT_UPDATED -> agentUpdated(event, (AgentUpdated) event.payload(), p, at);
            case AGENT_DELETED -> agentDeleted(stream, event.tenant(), p, at);
            case MESSAGE_CREATED -> messageCreated(stream, (MessageCreated) event.payload(), p, at);
            case MESSAGE_UPDATED -> messageUpdated(stream, (MessageUpdated) event.payload(), p, at);
            case MESSAGE_DELETED -> p.rows(Tables.MESSAGES).remove(((MessageDeleted) event.payload()).messageId());
            case CONTEXT_UPDATED -> contextUpdated(stream, (ContextUpdated) event.payload(), p);
            case BLOCK_ATTACHED -> {
                BlockAttached attached = (BlockAttached) event.payload();
                p.rows(Tables.AGENT_BLOCKS).put(new AgentBlockRow(stream, attached.blockId(), attached.label()));
            }
            case BLOCK_DETACHED -> p.rows(Tables.AGENT_BLOCKS)
                    .remove(new AgentBlockRow.Key(stream, ((BlockDetached) event.payload()).blockId()));
            case ARCHIVE_ATTACHED -> p.rows(Tables.AGENT_ARCHIVES)
                    .put(new AgentArchiveRow(stream, ((ArchiveAttached) event.payload()).archiveId()));
            case ARCHIVE_DETACHED -> p.rows(Tables.AGENT_ARCHIVES)
                    .remove(new AgentArchiveRow.Key(stream, ((ArchiveDetached) event.payload()).archiveId()));
            case BLOCK_CREATED -> blockCreated(event, (BlockCreated) event.payload(), p, at);
            case BLOCK_UPDATED -> blockUpdated(event, (BlockUpdated) event.payload(), p, at);
            case BLOCK_DELETED -> blockDeleted(stream, event.tenant(), p, at);
            case ARCHIVE_CREATED -> {
                ArchiveCreated created = (ArchiveCreated) event.payload();
                p.rows(Tables.ARCHIVES).put(new ArchiveRow(stream, created.name(), created.description(),
                        created.embeddingConfig(), created.metadata(), at, null, event.tenant()));
            }
            case ARCHIVE_DELETED -> archiveDeleted(stream, event.tenant(), p, at);
            case PASSAGE_INSERTED -> {
                PassageInserted passage = (PassageInserted) event.payload();
                p.rows(Tables.PASSAGES).put(new PassageRow(passage.passageId(), stream, passage.text(), passage.tags(),
                        passage.metadata(), passage.embedding(), passage.embeddingModel(),
                        instantOr(passage.createdAt(), at)));
            }
            case PASSAGE_DELETED -> p.rows(Tables.PASSAGES).remove(((PassageDeleted) event.payload()).passageId());
            case ROW_CHANGED -> rowChanged(stream, (RowChanged) event.payload(), p, at);
            default -> {
                if (!AgentStateFold.folds(event.type())) {
                    throw new IllegalArgumentException("no fold rule for event type " + event.type());
                }
                AgentStateFold.apply(event, p, at);
            }
        }
    }

    /**
     * Declares the keys whose current row {@link #apply} reads for this event (partial updates, the block
     * version guard, deletes that keep a tombstone row), so a batch can load them all with one query per table.
     */
    public static void declareReads(Event event, BatchOverlay overlay) {
        if (event.payload() instanceof SealedPayload) {
            return; // an erased subject's event: apply folds nothing of it
        }
        switch (event.type()) {
            case AGENT_UPDATED, AGENT_DELETED -> overlay.needs(Tables.AGENTS, event.streamId());
            case MESSAGE_UPDATED -> overlay.needs(Tables.MESSAGES, ((MessageUpdated) event.payload()).messageId());
            case BLOCK_UPDATED, BLOCK_DELETED -> overlay.needs(Tables.BLOCKS, event.streamId());
            case ROW_CHANGED -> {
                if (!((RowChanged) event.payload()).unchanged().isEmpty()) {
                    overlay.needs(Tables.SOURCE_ROWS, event.streamId());
                }
            }
            case CONVERSATION_UPDATED, CONVERSATION_MESSAGE_UPDATED, FILE_UPDATED ->
                    AgentStateFold.declareReads(event, overlay);
            case ARCHIVE_DELETED -> overlay.needs(Tables.ARCHIVES, event.streamId());
            default -> {
                // every other type writes whole rows or deletes by key: nothing to read
            }
        }
    }

    /** The projection table an event type is mainly about (for metrics). */
    public static TableDef<?, ?> tableOf(EventType type) {
        return switch (type) {
            case AGENT_CREATED, AGENT_UPDATED, AGENT_DELETED -> Tables.AGENTS;
            case MESSAGE_CREATED, MESSAGE_UPDATED, MESSAGE_DELETED -> Tables.MESSAGES;
            case CONTEXT_UPDATED -> Tables.AGENT_CONTEXT;
            case BLOCK_ATTACHED, BLOCK_DETACHED -> Tables.AGENT_BLOCKS;
            case ARCHIVE_ATTACHED, ARCHIVE_DETACHED -> Tables.AGENT_ARCHIVES;
            case BLOCK_CREATED, BLOCK_UPDATED, BLOCK_DELETED -> Tables.BLOCKS;
            case ARCHIVE_CREATED, ARCHIVE_DELETED -> Tables.ARCHIVES;
            case PASSAGE_INSERTED, PASSAGE_DELETED -> Tables.PASSAGES;
            case ROW_CHANGED -> Tables.SOURCE_ROWS;
            case SUBJECT_ERASED -> Tables.AGENTS;
            default -> AgentStateFold.tableOf(type);
        };
    }

    /**
     * The row's after image; for op d the row goes. Columns the source did not send because they did not change
     * ({@link RowChanged#unchanged()}: unchanged out-of-line values) keep their last known value, never a placeholder.
     */
    private static void rowChanged(String stream, RowChanged row, Projection p, Instant at) {
        Rows<String, SourceRow> rows = p.rows(Tables.SOURCE_ROWS);
        if ("d".equals(row.op())) {
            rows.remove(stream);
            return;
        }
        JsonNode image = row.after();
        SourceRow previous = row.unchanged().isEmpty() ? null : rows.get(stream);
        if (previous != null && previous.row() instanceof ObjectNode known && image instanceof ObjectNode after) {
            ObjectNode merged = after.deepCopy();
            for (String column : row.unchanged()) {
                if (known.has(column) && !merged.has(column)) {
                    merged.set(column, known.get(column));
                }
            }
            image = merged;
        }
        rows.put(new SourceRow(stream, row.table(), image, row.op(), at));
    }

    private static void agentCreated(Event event, AgentCreated a, Projection p, Instant at) {
        p.rows(Tables.AGENTS).put(new AgentRow(event.streamId(), a.name(), a.agentType(), a.system(), a.description(),
                a.llmConfig(), a.embeddingConfig(), a.toolRules(), a.metadata(), event.organizationId(), at, at, null,
                event.tenant()));
    }

    private static void agentUpdated(Event event, AgentUpdated u, Projection p, Instant at) {
        Rows<String, AgentRow> agents = p.rows(Tables.AGENTS);
        AgentRow current = agents.get(event.streamId());
        AgentRow c = current != null ? current : AgentRow.empty(event.streamId());
        Set<String> cleared = u.cleared();
        agents.put(new AgentRow(c.agentId(),
                pick(u.name(), "name", cleared, c.name()),
                pick(u.agentType(), "agent_type", cleared, c.agentType()),
                pick(u.system(), "system", cleared, c.system()),
                pick(u.description(), "description", cleared, c.description()),
                pick(u.llmConfig(), "llm_config", cleared, c.llmConfig()),
                pick(u.embeddingConfig(), "embedding_config", cleared, c.embeddingConfig()),
                pick(u.toolRules(), "tool_rules", cleared, c.toolRules()),
                pick(u.metadata(), "metadata", cleared, c.metadata()),
                event.organizationId() != null ? event.organizationId() : c.organizationId(),
                c.createdAt(), at, c.deletedAt(), event.tenant()));
    }

    private static void agentDeleted(String agentId, String tenant, Projection p, Instant at) {
        Rows<String, AgentRow> agents = p.rows(Tables.AGENTS);
        AgentRow current = agents.get(agentId);
        AgentRow c = current != null ? current : AgentRow.empty(agentId);
        agents.put(new AgentRow(c.agentId(), c.name(), c.agentType(), c.system(), c.description(), c.llmConfig(),
                c.embeddingConfig(), c.toolRules(), c.metadata(), c.organizationId(), c.createdAt(), at, at, tenant));
        p.rows(Tables.MESSAGES).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.AGENT_CONTEXT).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.AGENT_BLOCKS).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.AGENT_ARCHIVES).removeWhere(Ref.AGENT_ID, agentId);
        AgentStateFold.agentDeleted(agentId, p);
    }

    /**
     * Every row of the erased agents, blocks and archives goes: the agent's own rows as agent.deleted removes them
     * and its agents row too, a block's row, its versions and its attachments, an archive's row, its passages and
     * its attachments. The erase command deleted them already; this keeps a rebuild, verify and a sink that applied
     * an event of the subject after the command (with a key it had read before) to the same tables.
     */
    private static void subjectErased(SubjectErased erased, Projection p) {
        for (String agentId : erased.agents()) {
            p.rows(Tables.AGENTS).remove(agentId);
            p.rows(Tables.MESSAGES).removeWhere(Ref.AGENT_ID, agentId);
            p.rows(Tables.AGENT_CONTEXT).removeWhere(Ref.AGENT_ID, agentId);
            p.rows(Tables.AGENT_BLOCKS).removeWhere(Ref.AGENT_ID, agentId);
            p.rows(Tables.AGENT_ARCHIVES).removeWhere(Ref.AGENT_ID, agentId);
            AgentStateFold.agentDeleted(agentId, p);
        }
        for (String blockId : erased.blocks()) {
            p.rows(Tables.BLOCKS).remove(blockId);
            p.rows(Tables.BLOCK_VERSIONS).removeWhere(Ref.BLOCK_ID, blockId);
            p.rows(Tables.AGENT_BLOCKS).removeWhere(Ref.BLOCK_ID, blockId);
        }
        for (String archiveId : erased.archives()) {
            p.rows(Tables.ARCHIVES).remove(archiveId);
            p.rows(Tables.PASSAGES).removeWhere(Ref.ARCHIVE_ID, archiveId);
            p.rows(Tables.AGENT_ARCHIVES).removeWhere(Ref.ARCHIVE_ID, archiveId);
        }
    }

    private static void messageCreated(String agentId, MessageCreated m, Projection p, Instant at) {
        p.rows(Tables.MESSAGES).put(new MessageRow(m.messageId(), agentId, m.role(), m.content(), m.toolCalls(),
                m.toolCallId(), m.toolReturns(), m.name(), m.stepId(), m.runId(), m.otid(), m.sourceSequence(),
                instantOr(m.createdAt(), at), at, extra(null, m.unknown())));
    }

    private static void messageUpdated(String agentId, MessageUpdated u, Projection p, Instant at) {
        Rows<String, MessageRow> messages = p.rows(Tables.MESSAGES);
        MessageRow current = messages.get(u.messageId());
        MessageRow c = current != null ? current : MessageRow.empty(u.messageId(), agentId);
        Set<String> cleared = u.cleared();
        messages.put(new MessageRow(c.messageId(), c.agentId(),
                pick(u.role(), "role", cleared, c.role()),
                pick(u.content(), "content", cleared, c.content()),
                pick(u.toolCalls(), "tool_calls", cleared, c.toolCalls()),
                pick(u.toolCallId(), "tool_call_id", cleared, c.toolCallId()),
                pick(u.toolReturns(), "tool_returns", cleared, c.toolReturns()),
                pick(u.name(), "name", cleared, c.name()),
                pick(u.stepId(), "step_id", cleared, c.stepId()),
                pick(u.runId(), "run_id", cleared, c.runId()),
                pick(u.otid(), "otid", cleared, c.otid()),
                c.sourceSequence(), c.createdAt(), at, extra(c.extra(), u.unknown())));
    }

    private static void contextUpdated(String agentId, ContextUpdated context, Projection p) {
        Rows<ContextRow.Key, ContextRow> rows = p.rows(Tables.AGENT_CONTEXT);
        rows.removeWhere(Ref.AGENT_ID, agentId);
        List<String> ids = context.messageIds();
        for (int position = 0; position < ids.size(); position++) {
            rows.put(new ContextRow(agentId, position, ids.get(position)));
        }
    }

    private static void blockCreated(Event event, BlockCreated b, Projection p, Instant at) {
        p.rows(Tables.BLOCKS).put(new BlockRow(event.streamId(), b.label(), b.value(), b.limit(), b.description(),
                b.readOnly(), b.metadata(), 1, at, at, null, event.tenant()));
        p.rows(Tables.BLOCK_VERSIONS).put(new BlockVersionRow(event.streamId(), 1, b.value(), b.label(),
                event.eventId(), at, event.actor()));
    }

    private static void blockUpdated(Event event, BlockUpdated u, Projection p, Instant at) {
        Rows<String, BlockRow> blocks = p.rows(Tables.BLOCKS);
        BlockRow current = blocks.get(event.streamId());
        int currentVersion = current == null ? 0 : current.version();
        if (u.version() != null && u.version() <= currentVersion) {
            return; // Letta's optimistic lock: a stale edit changes nothing (the event stays in `events`)
        }
        int version = u.version() != null ? u.version() : currentVersion + 1;
        BlockRow c = current != null ? current : BlockRow.empty(event.streamId());
        Set<String> cleared = u.cleared();
        BlockRow edited = new BlockRow(c.blockId(),
                pick(u.label(), "label", cleared, c.label()),
                pick(u.value(), "value", cleared, c.value()),
                pick(u.limit(), "limit", cleared, c.valueLimit()),
                pick(u.description(), "description", cleared, c.description()),
                pick(u.readOnly(), "read_only", cleared, c.readOnly()),
                pick(u.metadata(), "metadata", cleared, c.metadata()),
                version, c.createdAt(), at, c.deletedAt(), event.tenant());
        blocks.put(edited);
        p.rows(Tables.BLOCK_VERSIONS).put(new BlockVersionRow(edited.blockId(), version, edited.value(),
                edited.label(), event.eventId(), at, event.actor()));
    }

    private static void blockDeleted(String blockId, String tenant, Projection p, Instant at) {
        Rows<String, BlockRow> blocks = p.rows(Tables.BLOCKS);
        BlockRow current = blocks.get(blockId);
        BlockRow c = current != null ? current : BlockRow.empty(blockId);
        blocks.put(new BlockRow(c.blockId(), c.label(), c.value(), c.valueLimit(), c.description(), c.readOnly(),
                c.metadata(), c.version(), c.createdAt(), at, at, tenant));
        p.rows(Tables.AGENT_BLOCKS).removeWhere(Ref.BLOCK_ID, blockId);
    }

    private static void archiveDeleted(String archiveId, String tenant, Projection p, Instant at) {
        Rows<String, ArchiveRow> archives = p.rows(Tables.ARCHIVES);
        ArchiveRow current = archives.get(archiveId);
        ArchiveRow c = current != null ? current : ArchiveRow.empty(archiveId);
        archives.put(new ArchiveRow(c.archiveId(), c.name(), c.description(), c.embeddingConfig(), c.metadata(),
                c.createdAt(), at, tenant));
        p.rows(Tables.PASSAGES).removeWhere(Ref.ARCHIVE_ID, archiveId);
        p.rows(Tables.AGENT_ARCHIVES).removeWhere(Ref.ARCHIVE_ID, archiveId);
    }

    /** The update's value when present, null when the update cleared the field, else the current value. */
    static <T> T pick(T update, String field, Set<String> cleared, T current) {
        if (update != null) {
            return update;
        }
        return cleared.contains(field) ? null : current;
    }

    static Instant instantOr(OffsetDateTime time, Instant fallback) {
        return time != null ? time.toInstant() : fallback;
    }

    /** Unknown payload fields merged over the current ones; null when there are none. */
    static JsonNode extra(JsonNode current, Map<String, JsonNode> unknown) {
        if (unknown.isEmpty()) {
            return current;
        }
        ObjectNode merged = current instanceof ObjectNode object ? object.deepCopy()
                : JsonNodeFactory.instance.objectNode();
        unknown.forEach(merged::set);
        return merged;
    }
}
