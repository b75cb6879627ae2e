package dev.agentlog.sink.fold;

import static dev.agentlog.sink.fold.Column.bigint;
import static dev.agentlog.sink.fold.Column.bool;
import static dev.agentlog.sink.fold.Column.integer;
import static dev.agentlog.sink.fold.Column.jsonb;
import static dev.agentlog.sink.fold.Column.realArray;
import static dev.agentlog.sink.fold.Column.text;
import static dev.agentlog.sink.fold.Column.timestamptz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The projection tables of contract section 5 (the audit table {@code events} and {@code sink_offsets}
 * are the sink's own, not projections). Column lists here must match {@code db/agentlog/V*.sql};
 * {@code SchemaMigratorTest} checks that they do.
 */
public final class Tables {
    private Tables() {}

    public static final TableDef<String, AgentRow> AGENTS = new TableDef<>("agents",
            List.of(text("agent_id"), text("name"), text("agent_type"), text("system"), text("description"),
                    jsonb("llm_config"), jsonb("embedding_config"), jsonb("tool_rules"), jsonb("metadata"),
                    text("organization_id"), timestamptz("created_at"), timestamptz("updated_at"),
                    timestamptz("deleted_at"), text("tenant")),
            1, AgentRow::agentId, Tables::single,
            r -> new Object[] {r.agentId(), r.name(), r.agentType(), r.system(), r.description(), r.llmConfig(),
                    r.embeddingConfig(), r.toolRules(), r.metadata(), r.organizationId(), r.createdAt(), r.updatedAt(),
                    r.deletedAt(), r.tenant()},
            v -> new AgentRow((String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4],
                    (JsonNode) v[5], (JsonNode) v[6], (JsonNode) v[7], (JsonNode) v[8], (String) v[9],
                    (Instant) v[10], (Instant) v[11], (Instant) v[12], (String) v[13]),
            Map.of());

    public static final TableDef<String, MessageRow> MESSAGES = new TableDef<>("messages",
            List.of(text("message_id"), text("agent_id"), text("role"), jsonb("content"), jsonb("tool_calls"),
                    text("tool_call_id"), jsonb("tool_returns"), text("name"), text("step_id"), text("run_id"),
                    text("otid"), bigint("source_sequence"), timestamptz("created_at"), timestamptz("updated_at"),
                    jsonb("extra")),
            1, MessageRow::messageId, Tables::single,
            r -> new Object[] {r.messageId(), r.agentId(), r.role(), r.content(), r.toolCalls(), r.toolCallId(),
                    r.toolReturns(), r.name(), r.stepId(), r.runId(), r.otid(), r.sourceSequence(), r.createdAt(),
                    r.updatedAt(), r.extra()},
            v -> new MessageRow((String) v[0], (String) v[1], (String) v[2], (JsonNode) v[3], (JsonNode) v[4],
                    (String) v[5], (JsonNode) v[6], (String) v[7], (String) v[8], (String) v[9], (String) v[10],
                    (Long) v[11], (Instant) v[12], (Instant) v[13], (JsonNode) v[14]),
            Map.of(Ref.AGENT_ID, MessageRow::agentId));

    public static final TableDef<ContextRow.Key, ContextRow> AGENT_CONTEXT = new TableDef<>("agent_context",
            List.of(text("agent_id"), integer("position"), text("message_id")),
            2, r -> new ContextRow.Key(r.agentId(), r.position()), k -> new Object[] {k.agentId(), k.position()},
            r -> new Object[] {r.agentId(), r.position(), r.messageId()},
            v -> new ContextRow((String) v[0], (Integer) v[1], (String) v[2]),
            Map.of(Ref.AGENT_ID, ContextRow::agentId));

    public static final TableDef<String, BlockRow> BLOCKS = new TableDef<>("blocks",
            List.of(text("block_id"), text("label"), text("value"), integer("value_limit"), text("description"),
                    bool("read_only"), jsonb("metadata"), integer("version"), timestamptz("created_at"),
                    timestamptz("updated_at"), timestamptz("deleted_at"), text("tenant")),
            1, BlockRow::blockId, Tables::single,
            r -> new Object[] {r.blockId(), r.label(), r.value(), r.valueLimit(), r.description(), r.readOnly(),
                    r.metadata(), r.version(), r.createdAt(), r.updatedAt(), r.deletedAt(), r.tenant()},
            v -> new BlockRow((String) v[0], (String) v[1], (String) v[2], (Integer) v[3], (String) v[4],
                    (Boolean) v[5], (JsonNode) v[6], (Integer) v[7], (Instant) v[8], (Instant) v[9], (Instant) v[10],
                    (String) v[11]),
            Map.of());

    public static final TableDef<BlockVersionRow.Key, BlockVersionRow> BLOCK_VERSIONS = new TableDef<>(
            "block_versions",
            List.of(text("block_id"), integer("version"), text("value"), text("label"), text("event_id"),
                    timestamptz("occurred_at"), text("actor")),
            2, r -> new BlockVersionRow.Key(r.blockId(), r.version()), k -> new Object[] {k.blockId(), k.version()},
            r -> new Object[] {r.blockId(), r.version(), r.value(), r.label(), r.eventId(), r.occurredAt(), r.actor()},
            v -> new BlockVersionRow((String) v[0], (Integer) v[1], (String) v[2], (String) v[3], (String) v[4],
                    (Instant) v[5], (String) v[6]),
            Map.of(Ref.BLOCK_ID, BlockVersionRow::blockId)); // subject.erased removes a block's versions

    public static final TableDef<AgentBlockRow.Key, AgentBlockRow> AGENT_BLOCKS = new TableDef<>("agent_blocks",
            List.of(text("agent_id"), text("block_id"), text("label")),
            2, r -> new AgentBlockRow.Key(r.agentId(), r.blockId()), k -> new Object[] {k.agentId(), k.blockId()},
            r -> new Object[] {r.agentId(), r.blockId(), r.label()},
            v -> new AgentBlockRow((String) v[0], (String) v[1], (String) v[2]),
            Map.of(Ref.AGENT_ID, AgentBlockRow::agentId, Ref.BLOCK_ID, AgentBlockRow::blockId));

    public static final TableDef<String, ArchiveRow> ARCHIVES = new TableDef<>("archives",
            List.of(text("archive_id"), text("name"), text("description"), jsonb("embedding_config"),
                    jsonb("metadata"), timestamptz("created_at"), timestamptz("deleted_at"), text("tenant")),
            1, ArchiveRow::archiveId, Tables::single,
            r -> new Object[] {r.archiveId(), r.name(), r.description(), r.embeddingConfig(), r.metadata(),
                    r.createdAt(), r.deletedAt(), r.tenant()},
            v -> new ArchiveRow((String) v[0], (String) v[1], (String) v[2], (JsonNode) v[3], (JsonNode) v[4],
                    (Instant) v[5], (Instant) v[6], (String) v[7]),
            Map.of());

    public static final TableDef<AgentArchiveRow.Key, AgentArchiveRow> AGENT_ARCHIVES = new TableDef<>(
            "agent_archives",
            List.of(text("agent_id"), text("archive_id")),
            2, r -> new AgentArchiveRow.Key(r.agentId(), r.archiveId()), k -> new Object[] {k.agentId(), k.archiveId()},
            r -> new Object[] {r.agentId(), r.archiveId()},
            v -> new AgentArchiveRow((String) v[0], (String) v[1]),
            Map.of(Ref.AGENT_ID, AgentArchiveRow::agentId, Ref.ARCHIVE_ID, AgentArchiveRow::archiveId));

    public static final TableDef<String, PassageRow> PASSAGES = new TableDef<>("passages",
            List.of(text("passage_id"), text("archive_id"), text("text"), jsonb("tags"), jsonb("metadata"),
                    realArray("embedding"), text("embedding_model"), timestamptz("created_at")),
            1, PassageRow::passageId, Tables::single,
            r -> new Object[] {r.passageId(), r.archiveId(), r.text(), tagsToJson(r.tags()), r.metadata(),
                    r.embedding(), r.embeddingModel(), r.createdAt()},
            v -> new PassageRow((String) v[0], (String) v[1], (String) v[2], tagsFromJson((JsonNode) v[3]),
                    (JsonNode) v[4], (float[]) v[5], (String) v[6], (Instant) v[7]),
            Map.of(Ref.ARCHIVE_ID, PassageRow::archiveId));

    public static final TableDef<String, SourceRow> SOURCE_ROWS = new TableDef<>("source_rows",
            List.of(text("stream_id"), text("source_table"), jsonb("row"), text("op"), timestamptz("updated_at")),
            1, SourceRow::streamId, Tables::single,
            r -> new Object[] {r.streamId(), r.sourceTable(), r.row(), r.op(), r.updatedAt()},
            v -> new SourceRow((String) v[0], (String) v[1], (JsonNode) v[2], (String) v[3], (Instant) v[4]),
            Map.of());

    public static final TableDef<String, ConversationRow> CONVERSATIONS = new TableDef<>("conversations",
            List.of(text("conversation_id"), text("agent_id"), text("summary"), text("model"),
                    timestamptz("last_message_at"), bool("deleted"), jsonb("extra"), timestamptz("created_at"),
                    timestamptz("updated_at")),
            1, ConversationRow::conversationId, Tables::single,
            r -> new Object[] {r.conversationId(), r.agentId(), r.summary(), r.model(), r.lastMessageAt(), r.deleted(),
                    r.extra(), r.createdAt(), r.updatedAt()},
            v -> new ConversationRow((String) v[0], (String) v[1], (String) v[2], (String) v[3], (Instant) v[4],
                    (Boolean) v[5], (JsonNode) v[6], (Instant) v[7], (Instant) v[8]),
            Map.of(Ref.AGENT_ID, ConversationRow::agentId));

    public static final TableDef<String, ConversationMessageRow> CONVERSATION_MESSAGES = new TableDef<>(
            "conversation_messages",
            List.of(text("conversation_message_id"), text("agent_id"), text("conversation_id"), text("message_id"),
                    integer("position"), bool("in_context"), bool("deleted"), jsonb("extra")),
            1, ConversationMessageRow::conversationMessageId, Tables::single,
            r -> new Object[] {r.conversationMessageId(), r.agentId(), r.conversationId(), r.messageId(), r.position(),
                    r.inContext(), r.deleted(), r.extra()},
            v -> new ConversationMessageRow((String) v[0], (String) v[1], (String) v[2], (String) v[3], (Integer) v[4],
                    (Boolean) v[5], (Boolean) v[6], (JsonNode) v[7]),
            Map.of(Ref.AGENT_ID, ConversationMessageRow::agentId, Ref.CONVERSATION_ID,
                    ConversationMessageRow::conversationId));

    public static final TableDef<ConversationBlockRow.Key, ConversationBlockRow> CONVERSATION_BLOCKS = new TableDef<>(
            "conversation_blocks",
            List.of(text("conversation_id"), text("block_id"), text("agent_id"), text("label")),
            2, r -> new ConversationBlockRow.Key(r.conversationId(), r.blockId()),
            k -> new Object[] {k.conversationId(), k.blockId()},
            r -> new Object[] {r.conversationId(), r.blockId(), r.agentId(), r.label()},
            v -> new ConversationBlockRow((String) v[0], (String) v[1], (String) v[2], (String) v[3]),
            Map.of(Ref.AGENT_ID, ConversationBlockRow::agentId, Ref.CONVERSATION_ID, ConversationBlockRow::conversationId));

    public static final TableDef<String, AgentFileRow> AGENT_FILES = new TableDef<>("agent_files",
            List.of(text("file_agent_id"), text("agent_id"), text("file_id"), text("source_id"), text("file_name"),
                    bool("is_open"), text("visible_content"), integer("start_line"), integer("end_line"),
                    timestamptz("last_accessed_at"), bool("deleted"), jsonb("extra")),
            1, AgentFileRow::fileAgentId, Tables::single,
            r -> new Object[] {r.fileAgentId(), r.agentId(), r.fileId(), r.sourceId(), r.fileName(), r.isOpen(),
                    r.visibleContent(), r.startLine(), r.endLine(), r.lastAccessedAt(), r.deleted(), r.extra()},
            v -> new AgentFileRow((String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4],
                    (Boolean) v[5], (String) v[6], (Integer) v[7], (Integer) v[8], (Instant) v[9], (Boolean) v[10],
                    (JsonNode) v[11]),
            Map.of(Ref.AGENT_ID, AgentFileRow::agentId));

    public static final TableDef<AgentLinkRow.Key, AgentLinkRow> AGENT_LINKS = new TableDef<>("agent_links",
            List.of(text("agent_id"), text("kind"), text("target")),
            3, r -> new AgentLinkRow.Key(r.agentId(), r.kind(), r.target()),
            k -> new Object[] {k.agentId(), k.kind(), k.target()},
            r -> new Object[] {r.agentId(), r.kind(), r.target()},
            v -> new AgentLinkRow((String) v[0], (String) v[1], (String) v[2]),
            Map.of(Ref.AGENT_ID, AgentLinkRow::agentId));

    /** Every projection table, in the order the batch writer writes them (any order is correct: no foreign keys). */
    public static final List<TableDef<?, ?>> ALL = List.of(AGENTS, MESSAGES, AGENT_CONTEXT, BLOCKS, BLOCK_VERSIONS,
            AGENT_BLOCKS, ARCHIVES, AGENT_ARCHIVES, PASSAGES, SOURCE_ROWS, CONVERSATIONS, CONVERSATION_MESSAGES,
            CONVERSATION_BLOCKS, AGENT_FILES, AGENT_LINKS);

    private static Object[] single(String key) {
        return new Object[] {key};
    }

    private static JsonNode tagsToJson(List<String> tags) {
        if (tags == null) {
            return null;
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode(tags.size());
        tags.forEach(array::add);
        return array;
    }

    private static List<String> tagsFromJson(JsonNode json) {
        if (json == null || json.isNull()) {
            return null;
        }
        List<String> tags = new ArrayList<>(json.size());
        json.forEach(tag -> tags.add(tag.isTextual() ? tag.textValue() : tag.toString()));
        return List.copyOf(tags);
    }
}
