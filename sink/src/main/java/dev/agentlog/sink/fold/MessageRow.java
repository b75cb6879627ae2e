package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A row of {@code messages}.
 *
 * @param extra the payload fields this version of agentlog does not know, as one JSON object (null when none)
 */
public record MessageRow(String messageId, String agentId, String role, JsonNode content, JsonNode toolCalls,
        String toolCallId, JsonNode toolReturns, String name, String stepId, String runId, String otid,
        Long sourceSequence, Instant createdAt, Instant updatedAt, JsonNode extra) {

    static MessageRow empty(String messageId, String agentId) {
        return new MessageRow(messageId, agentId, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }
}
