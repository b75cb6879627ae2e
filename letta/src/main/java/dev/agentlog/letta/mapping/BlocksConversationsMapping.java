package dev.agentlog.letta.mapping;

import dev.agentlog.events.ConversationBlockLink;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventType;
import java.util.List;
import java.util.Map;

/**
 * Letta's {@code blocks_conversations} (a block isolated in one conversation), on the stream of the conversation's
 * agent: insert is {@code conversation.block.attached}, delete {@code conversation.block.detached}. The row does not
 * name the agent: it comes from the conversations seen since start (a conversation's isolated blocks are written in
 * its create transaction, and deleted after its soft delete or its own delete, both seen first); a row of a
 * conversation not seen since a restart travels as row.changed.
 */
final class BlocksConversationsMapping implements TableMapping {
    @Override
    public String table() {
        return "blocks_conversations";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String conversationId = change.text("conversation_id");
        String agentId = context.state().agentOfConversation.get(conversationId);
        if (agentId == null) {
            context.issues().unresolved(change, "the agent of conversation " + conversationId);
            return RowChangedMapping.INSTANCE.map(change, context);
        }
        EventType type = change.op() == Op.DELETE ? EventType.CONVERSATION_BLOCK_DETACHED
                : EventType.CONVERSATION_BLOCK_ATTACHED;
        return List.of(context.events().event(change, agentId, new ConversationBlockLink(type, conversationId,
                change.text("block_id"), change.text("block_label"), Map.of())));
    }
}
