package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code conversations}: a named conversation of an agent (Letta's soft delete is {@code deleted}); Letta's
 * other columns in {@code extra}.
 */
public record ConversationRow(String conversationId, String agentId, String summary, String model,
        Instant lastMessageAt, Boolean deleted, JsonNode extra, Instant createdAt, Instant updatedAt) {}
