package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * Payload of {@code conversation.block.attached} and {@code conversation.block.detached}: a block isolated in one
 * conversation (Letta's {@code blocks_conversations}): the conversation's own copy, which replaces the agent's block of
 * the same label while the conversation runs.
 */
public record ConversationBlockLink(EventType type, String conversationId, String blockId, String label,
        Map<String, JsonNode> unknown) implements Payload {
    public ConversationBlockLink {
        Objects.requireNonNull(type, "type");
        if (type != EventType.CONVERSATION_BLOCK_ATTACHED && type != EventType.CONVERSATION_BLOCK_DETACHED) {
            throw new IllegalArgumentException(type.wireName() + " is not a conversation block link");
        }
        unknown = Payload.copyOf(unknown);
    }

    static ConversationBlockLink reader(EventType type, PayloadReader r) {
        return new ConversationBlockLink(type, r.requiredId("conversation_id"), r.requiredId("block_id"),
                r.string("label"), r.unknown());
    }

    public boolean attached() {
        return type == EventType.CONVERSATION_BLOCK_ATTACHED;
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put("conversation_id", conversationId).put("block_id", blockId).put("label", label)
                .finish(unknown);
    }
}
