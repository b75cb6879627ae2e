package dev.agentlog.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Map;

/** One valid event JSON of every type of the catalogue, Letta-shaped, each with an unknown payload field. */
final class SampleEvents {
    private SampleEvents() {}

    static Map<EventType, String> payloads() {
        Map<EventType, String> p = new EnumMap<>(EventType.class);
        p.put(EventType.AGENT_CREATED, """
            {"name":"helper","agent_type":"memgpt_v2_agent","system":"You are {{persona}}","description":"d",
             "llm_config":{"model":"gpt-4o","context_window":128000},"embedding_config":{"embedding_dim":1536},
             "tool_rules":[{"type":"exit_loop","tool_name":"send_message"}],"metadata":{"k":1.50},"x_future":[1,2]}""");
        p.put(EventType.AGENT_UPDATED, """
            {"name":"helper-2","description":null,"x_future":"kept"}""");
        p.put(EventType.AGENT_DELETED, "{\"x_future\":true}");
        p.put(EventType.MESSAGE_CREATED, """
            {"message_id":"message-1","role":"assistant","content":[{"type":"text","text":"hi"}],
             "tool_calls":[{"id":"call_1","type":"function","function":{"name":"send_message","arguments":"{}"}}],
             "tool_call_id":null,"name":"helper","step_id":"step-1","run_id":"run-1","otid":"o-1",
             "source_sequence":42,"created_at":"2026-11-24T10:00:00.123456Z","x_future":{"a":null}}""");
        p.put(EventType.MESSAGE_UPDATED, """
            {"message_id":"message-0","content":[{"type":"text","text":"new system prompt"}],"x_future":0}""");
        p.put(EventType.MESSAGE_DELETED, "{\"message_id\":\"message-1\",\"x_future\":1}");
        p.put(EventType.CONTEXT_UPDATED, "{\"message_ids\":[\"message-0\",\"message-9\",\"message-1\"],\"x_future\":1}");
        p.put(EventType.BLOCK_ATTACHED, "{\"block_id\":\"block-1\",\"label\":\"human\",\"x_future\":1}");
        p.put(EventType.BLOCK_DETACHED, "{\"block_id\":\"block-1\",\"x_future\":1}");
        p.put(EventType.ARCHIVE_ATTACHED, "{\"archive_id\":\"archive-1\",\"x_future\":1}");
        p.put(EventType.ARCHIVE_DETACHED, "{\"archive_id\":\"archive-1\",\"x_future\":1}");
        p.put(EventType.BLOCK_CREATED, """
            {"label":"human","value":"Name: Ada","limit":5000,"description":"about the user","read_only":false,
             "metadata":{},"x_future":1}""");
        p.put(EventType.BLOCK_UPDATED, "{\"value\":\"Name: Ada Lovelace\",\"version\":2,\"x_future\":1}");
        p.put(EventType.BLOCK_DELETED, "{}");
        p.put(EventType.ARCHIVE_CREATED, """
            {"name":"helper-archive","description":null,"embedding_config":{"embedding_dim":4},"metadata":{},"x_future":1}""");
        p.put(EventType.PASSAGE_INSERTED, """
            {"passage_id":"passage-1","text":"Ada likes tea","tags":["pref","food"],"metadata":{},
             "embedding":[0.1,-0.25,1.0E-7,3],"embedding_model":"text-embedding-3-small",
             "created_at":"2026-11-24T10:00:01+02:00","x_future":1}""");
        p.put(EventType.PASSAGE_DELETED, "{\"passage_id\":\"passage-1\",\"x_future\":1}");
        p.put(EventType.ARCHIVE_DELETED, "{}");
        p.put(EventType.CONVERSATION_CREATED, """
            {"conversation_id":"conv-1","summary":"trip","model":null,"last_message_at":"2026-11-24T10:00:00Z",
             "deleted":false,"created_at":"2026-11-24T09:00:00Z","model_settings":{"temperature":0.2},"x_future":1}""");
        p.put(EventType.CONVERSATION_UPDATED, """
            {"conversation_id":"conv-1","last_message_at":"2026-11-24T11:00:00Z","summary":null,"x_future":1}""");
        p.put(EventType.CONVERSATION_DELETED, "{\"conversation_id\":\"conv-1\",\"x_future\":1}");
        p.put(EventType.CONVERSATION_MESSAGE_ADDED, """
            {"conversation_message_id":"conv_msg-1","conversation_id":"conv-1","message_id":"message-1","position":3,
             "in_context":true,"deleted":false,"x_future":1}""");
        p.put(EventType.CONVERSATION_MESSAGE_UPDATED, """
            {"conversation_message_id":"conv_msg-1","position":1,"in_context":false,"x_future":1}""");
        p.put(EventType.CONVERSATION_MESSAGE_REMOVED, "{\"conversation_message_id\":\"conv_msg-1\",\"x_future\":1}");
        p.put(EventType.CONVERSATION_BLOCK_ATTACHED, """
            {"conversation_id":"conv-1","block_id":"block-2","label":"human","x_future":1}""");
        p.put(EventType.CONVERSATION_BLOCK_DETACHED, "{\"conversation_id\":\"conv-1\",\"block_id\":\"block-2\",\"x_future\":1}");
        p.put(EventType.FILE_ATTACHED, """
            {"file_agent_id":"file_agent-1","file_id":"file-1","source_id":"source-1","file_name":"manual.txt",
             "is_open":true,"visible_content":"line 1\\nline 2","start_line":1,"end_line":2,
             "last_accessed_at":"2026-11-24T10:00:00Z","deleted":false,"x_future":1}""");
        p.put(EventType.FILE_UPDATED, """
            {"file_agent_id":"file_agent-1","is_open":false,"visible_content":null,"x_future":1}""");
        p.put(EventType.FILE_DETACHED, "{\"file_agent_id\":\"file_agent-1\",\"x_future\":1}");
        p.put(EventType.TOOL_ATTACHED, "{\"tool_id\":\"tool-1\",\"x_future\":1}");
        p.put(EventType.TOOL_DETACHED, "{\"tool_id\":\"tool-1\",\"x_future\":1}");
        p.put(EventType.SOURCE_ATTACHED, "{\"source_id\":\"source-1\",\"x_future\":1}");
        p.put(EventType.SOURCE_DETACHED, "{\"source_id\":\"source-1\",\"x_future\":1}");
        p.put(EventType.IDENTITY_ATTACHED, "{\"identity_id\":\"identity-1\",\"x_future\":1}");
        p.put(EventType.IDENTITY_DETACHED, "{\"identity_id\":\"identity-1\",\"x_future\":1}");
        p.put(EventType.GROUP_JOINED, "{\"group_id\":\"group-1\",\"x_future\":1}");
        p.put(EventType.GROUP_LEFT, "{\"group_id\":\"group-1\",\"x_future\":1}");
        p.put(EventType.TAG_ADDED, "{\"tag\":\"vip customer\",\"x_future\":1}");
        p.put(EventType.TAG_REMOVED, "{\"tag\":\"vip customer\",\"x_future\":1}");
        p.put(EventType.SUBJECT_ERASED, "{\"requested_by\":\"ops\",\"agents\":[\"agent-1\"],\"blocks\":[\"block-1\"],\"archives\":[],\"x_future\":1}");
        p.put(EventType.ROW_CHANGED, """
            {"table":"tools","op":"u","before":null,"after":{"id":"tool-1","name":"web_search"},"x_future":1}""");
        return p;
    }

    static ObjectNode event(EventType type, String payload) {
        String json = """
            {"event_id":"e-%s","type":"%s","schema_version":%d,"stream_id":"%s","stream_seq":3,
             "agent_id":"agent-1","organization_id":"org-1","occurred_at":"2026-11-24T10:00:00.5Z",
             "source":"http:test","actor":"user-1","tenant":"acme","payload":%s}"""
                .formatted(type.wireName(), type.wireName(), type.currentVersion(), streamFor(type), payload);
        try {
            return (ObjectNode) EventCodec.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String streamFor(EventType type) {
        return switch (type.streamKind()) {
            case AGENT -> "agent-1";
            case BLOCK -> "block-1";
            case ARCHIVE -> "archive-1";
            case ROW -> "tools:tool-1";
        };
    }
}
