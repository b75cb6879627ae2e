package dev.agentlog.query.agentfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The agent file mapping without a pipeline: a file in the shape Letta 0.16.8's server writes (test resources
 * {@code agentfile/*.af}, written by {@code make-test-files.py} from {@code letta/schemas/agent_file.py}) becomes
 * events, the events (through the contract's codec, as the log keeps them) fold back into the same file.
 */
class AgentFileMappingTest {
    static final Instant IMPORTED_AT = Instant.parse("2026-12-01T08:00:00Z");
    static final EventCodec CODEC = EventCodec.standard();

    static ObjectNode file(String name) throws IOException {
        try (InputStream in = AgentFileMappingTest.class.getResourceAsStream("/agentfile/" + name)) {
            return (ObjectNode) EventCodec.JSON.readTree(in);
        }
    }

    /** The file of the imported agents, as the log would hold their events (encoded and decoded by the contract). */
    static ObjectNode exported(AgentFileImport.Result imported, Instant at) throws Exception {
        AgentFileFold fold = new AgentFileFold();
        for (ObjectNode event : imported.events()) {
            fold.accept(CODEC.toJson(CODEC.decode(CODEC.encode(CODEC.fromJson(event)))));
        }
        return AgentFileWriter.write(fold, List.copyOf(imported.agents().values()), at);
    }

    static Instant createdAt(JsonNode file) {
        return Instant.parse(file.get("created_at").asText());
    }

    @Test
    void shouldGiveBackTheSameFileOfSeveralAgentsSharedBlocksToolsFilesAndAGroup() throws Exception {
        ObjectNode original = file("sleeptime-group.af");

        AgentFileImport.Result imported = AgentFileImport.events(original,
                ImportIds.ofFile(EventCodec.JSON.writeValueAsBytes(original)), IMPORTED_AT);

        assertThat(imported.agents()).hasSize(2).allSatisfy((fileId, newId) -> assertThat(newId).startsWith("agent-")
                .hasSize("agent-".length() + 36));
        assertThat(exported(imported, createdAt(original))).isEqualTo(original);
        assertThat(AgentFileCheck.problems(exported(imported, createdAt(original)))).isEmpty();
    }

    @Test
    void shouldMakeTheEventsCaptureMakesOfLettasRows() throws Exception {
        ObjectNode original = file("sleeptime-group.af");

        List<ObjectNode> events = AgentFileImport.events(original, ImportIds.ofFile(new byte[] {1}), IMPORTED_AT).events();

        List<String> types = events.stream().map(e -> e.get("type").asText()).toList();
        assertThat(types).contains("agent.created", "block.created", "block.attached", "tool.attached",
                "source.attached", "tag.added", "message.created", "context.updated", "file.attached", "group.joined",
                "row.changed");
        // a block shared by both agents is created once and attached twice
        assertThat(types.stream().filter("block.created"::equals)).hasSize(2);
        assertThat(types.stream().filter("block.attached"::equals)).hasSize(4);
        ObjectNode tool = events.stream().filter(e -> e.get("stream_id").asText().startsWith("tools:")
                && e.at("/payload/after/name").asText().equals("roll_dice")).findFirst().orElseThrow();
        assertThat(tool.at("/payload/after/source_code").asText()).contains("random.randint(1, sides)");
        assertThat(tool.at("/payload/after/_created_by_id").asText()).startsWith("user-");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("source").asText()).isEqualTo("import");
            assertThat(e.get("occurred_at").asText()).isEqualTo("2026-12-01T08:00:00Z");
        });
        // every event passes the contract as it is
        for (ObjectNode event : events) {
            CODEC.fromJson(event);
        }
    }

    @Test
    void shouldLeaveOutReferencesToWhatTheLogDoesNotHold() throws Exception {
        AgentFileImport.Result imported = AgentFileImport.events(file("sleeptime-group.af"),
                ImportIds.ofFile(new byte[] {5}), IMPORTED_AT);
        // as if the tools' and the folder's rows and the group's main agent had never reached the log
        AgentFileFold fold = new AgentFileFold();
        for (ObjectNode event : imported.events()) {
            String stream = event.get("stream_id").asText();
            if (!stream.startsWith("tools:") && !stream.startsWith("sources:")) {
                fold.accept(event);
            }
        }

        ObjectNode sleeptimeAlone = AgentFileWriter.write(fold, List.of(List.copyOf(imported.agents().values()).get(1)),
                IMPORTED_AT);

        assertThat(AgentFileCheck.problems(sleeptimeAlone)).isEmpty();
        assertThat(sleeptimeAlone.get("tools")).isEmpty();
        assertThat(sleeptimeAlone.at("/agents/0/tool_ids")).isEmpty();
        assertThat(sleeptimeAlone.get("groups")).isEmpty(); // its manager is not in the file
        assertThat(sleeptimeAlone.at("/agents/0/messages")).hasSize(3);
        assertThat(sleeptimeAlone.get("blocks")).hasSize(2);
    }

    @Test
    void shouldKeepAnMcpServerAsItsRow() throws Exception {
        ObjectNode withServer = file("one-agent.af");
        // MCPServerSchema as Letta's exporter writes it: no token, no custom headers, stdio_config without env
        ObjectNode server = ((ArrayNode) withServer.get("mcp_servers")).addObject();
        server.put("id", "mcp_server-0").put("server_type", "stdio").put("server_name", "dice")
                .putNull("server_url").putNull("metadata_");
        server.putObject("stdio_config").put("command", "uvx").putArray("args").add("dice-mcp");

        List<ObjectNode> events = AgentFileImport.events(withServer, ImportIds.ofFile(new byte[] {4}), IMPORTED_AT)
                .events();

        ObjectNode row = events.stream().filter(e -> e.get("stream_id").asText().startsWith("mcp_server:"))
                .findFirst().orElseThrow();
        assertThat(row.at("/payload/after/server_name").asText()).isEqualTo("dice");
        assertThat(row.at("/payload/after/stdio_config/command").asText()).isEqualTo("uvx");
        assertThat(row.at("/payload/after/id").asText()).startsWith("mcp_server-").isNotEqualTo("mcp_server-0");
        assertRefused(f -> ((ArrayNode) f.get("mcp_servers")).addObject().put("id", "mcp_server-0"),
                "mcp_servers[0].server_type: is required");
    }

    @Test
    void shouldGiveTheSameFileUpToIdsWhenForked() throws Exception {
        ObjectNode original = file("one-agent.af");

        AgentFileImport.Result plain = AgentFileImport.events(original, ImportIds.ofFile(new byte[] {1}), IMPORTED_AT);
        AgentFileImport.Result fork = AgentFileImport.events(original, ImportIds.asAgent("agent-fork-1", new byte[] {1}), IMPORTED_AT);

        assertThat(fork.agents()).isEqualTo(Map.of("agent-0", "agent-fork-1"));
        assertThat(exported(fork, createdAt(original))).isEqualTo(original);
        // the fork owns every id: no stream, message or event id in common with the plain import
        Set<String> plainIds = ids(plain.events());
        assertThat(ids(fork.events())).doesNotContainAnyElementsOf(plainIds);
    }

    @Test
    void shouldDeriveTheSameIdsFromTheSameFile() throws Exception {
        byte[] bytes = EventCodec.JSON.writeValueAsBytes(file("one-agent.af"));

        assertThat(AgentFileImport.events(file("one-agent.af"), ImportIds.ofFile(bytes), IMPORTED_AT).events())
                .isEqualTo(AgentFileImport.events(file("one-agent.af"), ImportIds.ofFile(bytes), IMPORTED_AT).events());
    }

    @Test
    void shouldRefuseAsForAFileOfSeveralAgents() throws Exception {
        assertThatThrownBy(() -> AgentFileImport.events(file("sleeptime-group.af"), ImportIds.asAgent("agent-x", new byte[] {1}),
                IMPORTED_AT)).isInstanceOf(AgentFileException.class)
                .hasMessageContaining("--as imports a file of one agent, this one holds 2");
    }

    @Test
    void shouldNameEveryBadField() throws Exception {
        assertRefused(f -> f.remove("tools"), "tools: is required");
        assertRefused(f -> {
            f.putArray("agents");
            f.putArray("groups");
        }, "agents: the file holds no agent");
        assertRefused(f -> ((ObjectNode) f.at("/agents/0/messages/1")).remove("role"),
                "agents[0].messages[1].role: is required");
        assertRefused(f -> ((ObjectNode) f.at("/agents/0/messages/1")).put("role", "robot"),
                "agents[0].messages[1].role: must be one of");
        assertRefused(f -> ((ObjectNode) f.at("/agents/0/messages/2")).put("content", 5),
                "agents[0].messages[2].content: must be a string or a list");
        assertRefused(f -> ((ArrayNode) f.at("/agents/0/in_context_message_ids")).add("message-99"),
                "agents[0].in_context_message_ids[5]: \"message-99\" is not a message of this agent");
        assertRefused(f -> ((ArrayNode) f.at("/agents/0/block_ids")).add("block-7"),
                "agents[0].block_ids[2]: \"block-7\" is not one of the file's blocks");
        assertRefused(f -> ((ObjectNode) f.at("/blocks/0")).remove("value"), "blocks[0].value: is required");
        assertRefused(f -> ((ObjectNode) f.at("/files/0")).put("source_id", "source-4"),
                "files[0].source_id: \"source-4\" is not one of the file's sources");
        assertRefused(f -> ((ObjectNode) f.at("/agents/0/files_agents/0")).remove("file_name"),
                "agents[0].files_agents[0].file_name: is required");
        assertRefused(f -> ((ObjectNode) f.at("/groups/0/manager_config")).remove("manager_agent_id"),
                "groups[0].manager_config.manager_agent_id: is required");
        assertRefused(f -> ((ObjectNode) f.at("/tools/0")).put("id", "tool-x"),
                "tools[0].id: must be tool-<number> (Letta's file ids), was 'tool-x'");
        assertRefused(f -> ((ObjectNode) f.at("/tools/2")).put("id", "tool-0"), "tools[2].id: tool-0 is used twice");
        // what the contract refuses is named with the file's path too
        assertRefused(f -> ((ArrayNode) f.at("/agents/0/messages/1/content")).addObject().put("type", 3),
                "agents[0].messages[1]: payload.content[1].type: must be a string");
    }

    @Test
    void shouldRefuseWhatIsNoAgentFile() {
        assertThatThrownBy(() -> AgentFileImport.events(EventCodec.JSON.createArrayNode(), ImportIds.asAgent("a", new byte[] {1}),
                IMPORTED_AT)).isInstanceOf(AgentFileException.class).hasMessageContaining("not a JSON object");
    }

    /**
     * Every field Letta 0.16.8's pydantic models require (a field without a default), read from
     * letta/schemas/agent_file.py and the models it extends, is present and not null in a file agentlog writes; so are
     * the fields with a default that are not Optional (null fails there too). Listed here from the source, not from
     * {@link LettaAgentFile}, so that a mistake there shows.
     */
    @Test
    void shouldWriteEveryFieldLettasSchemaRequires() throws Exception {
        ObjectNode original = file("sleeptime-group.af");
        ObjectNode written = exported(AgentFileImport.events(original, ImportIds.ofFile(new byte[] {2}), IMPORTED_AT),
                Instant.parse("2026-12-01T09:00:00Z"));

        // AgentFileSchema: agents, groups, blocks, files, sources, tools, mcp_servers (Field(...))
        assertFields(written, "file", "agents", "groups", "blocks", "files", "sources", "tools", "mcp_servers");
        for (JsonNode agent : written.get("agents")) {
            // AgentSchema.id; CreateAgent has no required field; name, agent_type, include_*, template,
            // message_buffer_autoclear are not Optional
            assertFields(agent, "agent", "id", "name", "agent_type", "include_base_tools", "include_multi_agent_tools",
                    "include_default_source", "template", "message_buffer_autoclear", "in_context_message_ids",
                    "messages", "files_agents", "group_ids");
            for (JsonNode message : agent.get("messages")) {
                // MessageSchema.id, .role (MessageRole), MessageCreate.content; created_at is not Optional
                assertFields(message, "message", "id", "role", "content", "created_at");
            }
            for (JsonNode fileAgent : agent.get("files_agents")) {
                // FileAgentSchema.id; FileAgentBase.agent_id, file_id, source_id, file_name; is_open not Optional
                assertFields(fileAgent, "files_agents", "id", "agent_id", "file_id", "source_id", "file_name", "is_open");
            }
        }
        for (JsonNode group : written.get("groups")) {
            // GroupSchema.id, .agent_ids; GroupCreate.description; ManagerConfig.manager_type; the sleeptime
            // manager's manager_agent_id
            assertFields(group, "group", "id", "agent_ids", "description", "manager_config", "shared_block_ids");
            assertFields(group.get("manager_config"), "manager_config", "manager_type", "manager_agent_id");
        }
        for (JsonNode block : written.get("blocks")) {
            // BlockSchema.id; CreateBlock.label, .value; limit, is_template, read_only are not Optional
            assertFields(block, "block", "id", "label", "value", "limit", "is_template", "read_only");
        }
        for (JsonNode file : written.get("files")) {
            // FileSchema.id; FileMetadataBase.source_id; processing_status is not Optional
            assertFields(file, "file", "id", "source_id", "processing_status");
        }
        for (JsonNode source : written.get("sources")) {
            assertFields(source, "source", "id", "name"); // SourceSchema.id; BaseSource.name
        }
        for (JsonNode tool : written.get("tools")) {
            // ToolSchema.id; Tool.tool_type, tags, return_char_limit are not Optional
            assertFields(tool, "tool", "id", "tool_type", "tags", "return_char_limit");
        }
        assertThat(written.get("agents")).hasSize(2);
        assertThat(written.get("tools").get(1).get("source_code").asText()).contains("def roll_dice");
    }

    static void assertFields(JsonNode node, String what, String... fields) {
        for (String field : fields) {
            assertThat(node.hasNonNull(field)).as(what + " " + field + " in " + node).isTrue();
        }
    }

    static void assertRefused(Consumer<ObjectNode> breakIt, String expected) throws IOException {
        ObjectNode bad = file("sleeptime-group.af");
        breakIt.accept(bad);
        assertThatThrownBy(() -> AgentFileImport.events(bad, ImportIds.ofFile(new byte[] {3}), IMPORTED_AT))
                .isInstanceOf(AgentFileException.class).hasMessageContaining(expected);
    }

    static Set<String> ids(List<ObjectNode> events) {
        Set<String> out = new HashSet<>();
        for (ObjectNode e : events) {
            out.add(e.get("event_id").asText());
            out.add(e.get("stream_id").asText());
            if (e.at("/payload/message_id").isTextual()) {
                out.add(e.at("/payload/message_id").asText());
            }
        }
        return out;
    }
}
