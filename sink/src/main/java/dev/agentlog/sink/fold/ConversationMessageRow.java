package dev.agentlog.sink.fold;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A row of {@code conversation_messages}: a message's place in a named conversation. The conversation's in-context
 * window is its rows with {@code in_context} and not {@code deleted}, by {@code position}.
 */
public record ConversationMessageRow(String conversationMessageId, String agentId, String conversationId,
        String messageId, Integer position, Boolean inContext, Boolean deleted, JsonNode extra) {}
