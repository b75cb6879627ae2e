package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code agent_files}: a file of an attached folder, open (its {@code visible_content} is in the agent's
 * context) or closed, soft-deleted when its folder was detached; Letta's other columns in {@code extra}.
 */
public record AgentFileRow(String fileAgentId, String agentId, String fileId, String sourceId, String fileName,
        Boolean isOpen, String visibleContent, Integer startLine, Integer endLine, Instant lastAccessedAt,
        Boolean deleted, JsonNode extra) {}
