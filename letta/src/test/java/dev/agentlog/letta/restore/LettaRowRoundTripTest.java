package dev.agentlog.letta.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.LettaMapping;
import dev.agentlog.letta.mapping.MappingContext;
import dev.agentlog.letta.mapping.Op;
import dev.agentlog.letta.mapping.Row;
import dev.agentlog.letta.mapping.SourcePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The restore's fold is the capture's mapping undone: Letta rows of every table a restore writes, mapped to events as
 * capture maps them, through the contract's codec (as the log keeps them), folded back: each row comes back column by
 * column.
 */
class LettaRowRoundTripTest {
    private static final String A = "agent-00000000-0000-4000-8000-000000000001";
    private static final String ORG = "org-00000000-0000-4000-8000-000000000001";
    private static final String T1 = "2026-11-24T10:00:00.123456Z";
    private static final String T2 = "2026-11-24T10:05:00.654321Z";

    private final LettaMapping mapping = new LettaMapping(MappingContext.of("letta"));
    private final EventCodec codec = EventCodec.standard();
    private final List<RestoreEvent> log = new ArrayList<>();
    private long lsn = 100;

    @Test
    void shouldGiveEveryRowBackColumnByColumn() throws Exception {
        Map<String, Row> expected = new LinkedHashMap<>();
        Row org = row("id", ORG, "name", "default", "created_at", T1, "updated_at", T1, "is_deleted", false,
                "_created_by_id", null, "_last_updated_by_id", null, "privileged_tools", false);
        capture("organizations", Op.CREATE, org, "id");
        Row agent = row("id", A, "name", "ada", "created_at", T1, "description", null, "message_ids",
                json("[\"message-1\",\"message-2\"]"), "system", "You are Ada.", "agent_type", "memgpt_v2_agent",
                "llm_config", json("{\"model\":\"gpt-4o\"}"), "embedding_config", json("{\"embedding_dim\":1536}"),
                "metadata_", json("{\"k\":1}"), "tool_rules", json("[]"), "updated_at", T1, "is_deleted", false,
                "_created_by_id", "user-1", "_last_updated_by_id", "user-1", "organization_id", ORG,
                "message_buffer_autoclear", false, "timezone", "UTC", "max_files_open", 5);
        capture("agents", Op.CREATE, agent, "id");
        Row touched = with(agent, "updated_at", T2, "last_stop_reason", "end_turn");
        capture("agents", Op.UPDATE, touched, "id");
        expected.put("agents", touched);
        Row message = row("id", "message-1", "agent_id", A, "role", "assistant", "text", null, "model", "gpt-4o",
                "name", null, "tool_calls", json("[{\"id\":\"call-1\",\"type\":\"function\",\"function\":{\"name\":"
                        + "\"send_message\",\"arguments\":\"{}\"}}]"), "tool_call_id", null, "created_at", T1,
                "updated_at", T1, "is_deleted", false, "_created_by_id", null, "_last_updated_by_id", null,
                "organization_id", ORG, "step_id", null, "otid", "otid-1", "tool_returns", json("[]"),
                "content", json("[{\"type\":\"text\",\"text\":\"Hi\"}]"), "sequence_id", 7L, "conversation_id", null);
        capture("messages", Op.CREATE, message, "id");
        expected.put("messages:message-1", message);
        Row legacy = row("id", "message-2", "agent_id", A, "role", "function", "text", "OK", "name", "send_message",
                "tool_calls", json("[]"), "tool_call_id", "call-1", "created_at", T2, "updated_at", T2, "is_deleted",
                false, "organization_id", ORG, "content", null, "sequence_id", 8L);
        capture("messages", Op.CREATE, legacy, "id");
        expected.put("messages:message-2", legacy);
        Row block = row("id", "block-1", "value", "Name: Ada", "limit", 5000, "label", "human", "metadata_", json("{}"),
                "is_template", false, "organization_id", ORG, "created_at", T1, "updated_at", T1, "is_deleted", false,
                "version", 1, "read_only", false);
        capture("block", Op.CREATE, block, "id");
        Row edited = with(block, "value", "Name: Ada\nPrefers tea.", "version", 2, "updated_at", T2,
                "_last_updated_by_id", A);
        capture("block", Op.UPDATE, edited, "id");
        expected.put("block", edited);
        Row attached = row("agent_id", A, "block_id", "block-1", "block_label", "human");
        capture("blocks_agents", Op.CREATE, attached, "agent_id", "block_id");
        expected.put("blocks_agents", attached);
        Row archive = row("name", "ada-archive", "description", null, "metadata_", null, "id", "archive-1",
                "created_at", T1, "updated_at", T1, "is_deleted", false, "organization_id", ORG,
                "vector_db_provider", "NATIVE", "embedding_config", json("{\"embedding_model\":\"e\"}"));
        capture("archives", Op.CREATE, archive, "id");
        expected.put("archives", archive);
        Row owner = row("agent_id", A, "archive_id", "archive-1", "created_at", T1, "is_owner", true);
        capture("archives_agents", Op.CREATE, owner, "agent_id", "archive_id");
        expected.put("archives_agents", owner);
        Row passage = row("id", "passage-1", "text", "Ada prefers tea.", "embedding_config", json("{\"embedding_model\":"
                + "\"e\"}"), "metadata_", json("{}"), "embedding", json("[0.25,-0.5,0.0]"), "created_at", T1,
                "updated_at", T1, "is_deleted", false, "organization_id", ORG, "archive_id", "archive-1", "tags",
                json("[\"drinks\"]"));
        capture("archival_passages", Op.CREATE, passage, "id");
        expected.put("archival_passages", passage);
        capture("passage_tags", Op.CREATE, row("id", "tag-1", "tag", "drinks", "passage_id", "passage-1", "archive_id",
                "archive-1", "organization_id", ORG), "id");
        expected.put("passage_tags", row("id", "tag-1", "tag", "drinks", "passage_id", "passage-1", "archive_id",
                "archive-1", "organization_id", ORG));
        Row conversation = row("id", "conv-1", "agent_id", A, "summary", "Trip", "created_at", T1, "updated_at", T1,
                "is_deleted", false, "organization_id", ORG, "model", null, "model_settings", null, "last_message_at", T2);
        capture("conversations", Op.CREATE, conversation, "id");
        expected.put("conversations", conversation);
        Row inConversation = row("id", "conv_msg-1", "conversation_id", "conv-1", "agent_id", A, "message_id",
                "message-1", "position", 0, "in_context", true, "created_at", T1, "updated_at", T1, "is_deleted", false,
                "organization_id", ORG);
        capture("conversation_messages", Op.CREATE, inConversation, "id");
        Row moved = with(inConversation, "position", 3);
        capture("conversation_messages", Op.UPDATE, moved, "id");
        expected.put("conversation_messages", moved);
        Row file = row("id", "file_agent-1", "file_id", "file-1", "agent_id", A, "is_open", true, "visible_content",
                "line 2\nline 3", "last_accessed_at", T2, "created_at", T1, "updated_at", T1, "is_deleted", false,
                "organization_id", ORG, "file_name", "handbook.txt", "source_id", "source-1", "start_line", 2,
                "end_line", 3);
        capture("files_agents", Op.CREATE, file, "id", "file_id", "agent_id");
        expected.put("files_agents", file);
        Row tool = row("agent_id", A, "tool_id", "tool-1");
        capture("tools_agents", Op.CREATE, tool, "agent_id", "tool_id");
        expected.put("tools_agents", tool);
        Row tag = row("agent_id", A, "tag", "vip");
        capture("agents_tags", Op.CREATE, tag, "agent_id", "tag");
        expected.put("agents_tags", tag);

        LettaRows rows = AgentRestore.fold(A, this::read);

        assertThat(same(rows.get("organizations", "organizations:" + ORG), org)).isTrue();
        expected.forEach((where, row) -> {
            String table = where.contains(":") ? where.substring(0, where.indexOf(':')) : where;
            List<ObjectNode> restored = new ArrayList<>(rows.rows(table));
            assertThat(restored.stream().anyMatch(r -> same(r, row)))
                    .as("%s: %s among %s", where, row.toJson(), restored).isTrue();
        });
    }

    private void capture(String table, Op op, Row row, String... keyColumns) throws Exception {
        Map<String, JsonNode> key = new LinkedHashMap<>();
        for (String column : keyColumns) {
            key.put(column, row.get(column));
        }
        Change change = new Change(table, op, Row.of(key), null, row,
                new SourcePosition(lsn++, 1L, Instant.parse("2026-11-24T11:00:00Z").plusSeconds(lsn), false));
        for (Event event : mapping.map(change)) {
            Event logged = codec.decode(codec.encode(event));
            log.add(new RestoreEvent(logged.type().wireName(), logged.streamId(), logged.payload().toJson()));
        }
    }

    private List<RestoreEvent> read(Collection<String> streams) {
        return log.stream().filter(e -> streams.contains(e.streamId())).toList();
    }

    /** Column by column, as JSON values (numbers by their text), SQL NULL and an absent column alike. */
    private static boolean same(ObjectNode restored, Row source) {
        if (restored == null) {
            return false;
        }
        for (Map.Entry<String, JsonNode> column : source.values().entrySet()) {
            JsonNode value = restored.get(column.getKey());
            boolean sourceNull = column.getValue() == null || column.getValue().isNull();
            boolean restoredNull = value == null || value.isNull();
            if (sourceNull != restoredNull || (!sourceNull && !normal(value).equals(normal(column.getValue())))) {
                return false;
            }
        }
        return restored.size() <= source.values().size() + 1; // + message_ids or version the fold sets itself
    }

    private static JsonNode normal(JsonNode value) {
        try {
            JsonNode read = EventCodec.JSON.readTree(value.toString());
            if (read.isTextual() && read.textValue().matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
                return EventCodec.JSON.getNodeFactory().textNode(Instant.parse(read.textValue()).toString());
            }
            return read;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Row row(Object... columnsAndValues) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            Object value = columnsAndValues[i + 1];
            values.put((String) columnsAndValues[i], value == null ? com.fasterxml.jackson.databind.node.NullNode.instance
                    : value instanceof JsonNode node ? node
                    : EventCodec.JSON.valueToTree(value));
        }
        return Row.of(values);
    }

    private static Row with(Row row, Object... columnsAndValues) {
        Map<String, JsonNode> values = new LinkedHashMap<>(row.values());
        values.putAll(row(columnsAndValues).values());
        return Row.of(values);
    }

    private static JsonNode json(String text) {
        try {
            return EventCodec.JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
