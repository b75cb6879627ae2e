package dev.agentlog.query.agentfile;

import java.util.List;
import java.util.Map;

/**
 * What agentlog knows of Letta's Agent File ({@code .af}): the JSON of {@code AgentFileSchema} in
 * {@code letta/schemas/agent_file.py}, server 0.16.8 (the last release; the repository is archived). Each list
 * below is read from that file and from the pydantic models it extends ({@code CreateAgent}, {@code MessageCreate},
 * {@code CreateBlock}, {@code Tool}, {@code FileMetadataBase}, {@code FileAgentBase}, {@code SourceCreate},
 * {@code GroupCreate}); a field is required there when it has no default ({@code Field(...)}).
 */
public final class LettaAgentFile {
    /** Letta 0.16.8's alembic head: what its exporter writes as {@code metadata.revision_id}. */
    public static final String REVISION_ID = "1c28e167b74f";

    /** Required fields of each object of the file, by where it is. */
    public static final List<String> FILE_REQUIRED = List.of("agents", "groups", "blocks", "files", "sources", "tools",
            "mcp_servers");
    public static final List<String> AGENT_REQUIRED = List.of("id");
    public static final List<String> MESSAGE_REQUIRED = List.of("id", "role", "content");
    public static final List<String> FILE_AGENT_REQUIRED = List.of("id", "agent_id", "file_id", "source_id", "file_name");
    public static final List<String> GROUP_REQUIRED = List.of("id", "agent_ids", "description");
    public static final List<String> MANAGER_CONFIG_REQUIRED = List.of("manager_type");
    public static final List<String> BLOCK_REQUIRED = List.of("id", "label", "value");
    public static final List<String> FILE_SCHEMA_REQUIRED = List.of("id", "source_id");
    public static final List<String> SOURCE_REQUIRED = List.of("id", "name");
    public static final List<String> TOOL_REQUIRED = List.of("id");
    public static final List<String> MCP_SERVER_REQUIRED = List.of("id", "server_type", "server_name");
    /** Letta's {@code MessageRole}. */
    public static final List<String> ROLES = List.of("assistant", "user", "tool", "function", "system", "approval",
            "summary");
    /** {@code ManagerType}s of the file's manager-config union, each with the fields it carries beside its type. */
    public static final Map<String, List<String>> MANAGER_FIELDS = Map.of(
            "round_robin", List.of("max_turns"),
            "supervisor", List.of("manager_agent_id"),
            "dynamic", List.of("manager_agent_id", "termination_token", "max_turns"),
            "sleeptime", List.of("manager_agent_id", "sleeptime_agent_frequency"),
            "voice_sleeptime", List.of("manager_agent_id", "max_message_buffer_length", "min_message_buffer_length"));

    /**
     * Fields of an agent that are columns of Letta's {@code agents} table besides the catalogue's (name, agent_type,
     * system, description, llm_config, embedding_config, tool_rules, metadata): they travel as unknown fields of
     * {@code agent.created} under their column names.
     */
    public static final List<String> AGENT_COLUMNS = List.of("message_buffer_autoclear", "response_format", "timezone",
            "max_files_open", "per_file_view_window_char_limit", "compaction_settings");
    public static final List<String> AGENT_CATALOGUE = List.of("name", "agent_type", "system", "description",
            "llm_config", "embedding_config", "tool_rules", "metadata");
    /** Message fields kept as they are: the catalogue's, then Letta's other columns (unknown fields). */
    public static final List<String> MESSAGE_FIELDS = List.of("role", "content", "name", "otid", "sender_id",
            "batch_item_id", "group_id", "model", "tool_calls", "tool_call_id", "tool_returns", "approve",
            "approval_request_id", "denial_reason", "approvals");
    /** Block fields of {@code CreateBlock} Letta's exporter fills, all columns of {@code block}. */
    public static final List<String> BLOCK_FIELDS = List.of("value", "limit", "template_name", "is_template",
            "preserve_on_migration", "label", "read_only", "description", "metadata");
    /** {@code BlockSchema} fields Letta's exporter leaves at their default. */
    public static final Map<String, Object> BLOCK_DEFAULTS = nulls("project_id", "template_id", "base_template_id",
            "deployment_id", "entity_id", "hidden", "tags");
    /** Tool fields: every one a column of {@code tools} of the same name but the two bookkeeping ids. */
    public static final List<String> TOOL_FIELDS = List.of("tool_type", "description", "source_type", "name", "tags",
            "source_code", "json_schema", "args_json_schema", "return_char_limit", "pip_requirements",
            "npm_requirements", "default_requires_approval", "enable_parallel_execution", "metadata_", "project_id");
    public static final Map<String, String> TOOL_RENAMED = Map.of("created_by_id", "_created_by_id",
            "last_updated_by_id", "_last_updated_by_id");
    /** Source fields of {@code SourceCreate} Letta's exporter fills (file name → column name). */
    public static final Map<String, String> SOURCE_FIELDS = ordered("name", "name", "description", "description",
            "instructions", "instructions", "metadata", "metadata_", "embedding_config", "embedding_config");
    public static final Map<String, Object> SOURCE_DEFAULTS = nulls("embedding", "embedding_chunk_size");
    /** File fields: columns of {@code files} of the same name ({@code content} is {@code file_contents.text}). */
    public static final List<String> FILE_FIELDS = List.of("file_name", "original_file_name", "file_path", "file_type",
            "file_size", "file_creation_date", "file_last_modified_date", "processing_status", "error_message",
            "total_chunks", "chunks_embedded");
    public static final List<String> FILE_AGENT_FIELDS = List.of("file_name", "is_open", "visible_content",
            "last_accessed_at", "start_line", "end_line");

    private LettaAgentFile() {}

    private static Map<String, Object> nulls(String... names) {
        java.util.LinkedHashMap<String, Object> out = new java.util.LinkedHashMap<>();
        for (String name : names) {
            out.put(name, null);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Map<String, String> ordered(String... pairs) {
        java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
