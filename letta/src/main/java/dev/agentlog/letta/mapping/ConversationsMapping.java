package dev.agentlog.letta.mapping;

import dev.agentlog.events.ConversationCreated;
import dev.agentlog.events.ConversationDeleted;
import dev.agentlog.events.ConversationUpdated;
import dev.agentlog.events.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code conversations} (named threads of an agent), on the agent's stream: insert or snapshot read is
 * {@code conversation.created}, update {@code conversation.updated} of the changed columns (Letta bumps
 * {@code last_message_at} per request and soft-deletes with {@code is_deleted}, which travels as {@code deleted}),
 * delete {@code conversation.deleted}. A key-only delete names its agent through the conversations seen since start
 * (or the before-image under REPLICA IDENTITY FULL); otherwise it travels as row.changed.
 */
final class ConversationsMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("agent_id", "summary", "model", "last_message_at", "is_deleted",
            "created_at");

    @Override
    public String table() {
        return "conversations";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String conversationId = change.text("id");
        Map<String, String> agents = context.state().agentOfConversation;
        switch (change.op()) {
            case CREATE, READ -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                agents.put(conversationId, agentId);
                return List.of(context.events().event(change, agentId, new ConversationCreated(conversationId,
                        row.text("summary"), row.text("model"), row.timestamp("last_message_at"), row.bool("is_deleted"),
                        row.timestamp("created_at"), Columns.extras(row, CARRIED, false))));
            }
            case UPDATE -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                agents.put(conversationId, agentId);
                UpdateFields f = new UpdateFields(row, Columns.changed(row, change.before()));
                ConversationUpdated updated = new ConversationUpdated(conversationId, f.text("summary", "summary"),
                        f.text("model", "model"), f.timestamp("last_message_at", "last_message_at"),
                        f.bool("is_deleted", "deleted"), f.cleared, f.extras(CARRIED).unknown);
                return f.isEmpty() ? List.of() : List.of(context.events().event(change, agentId, updated));
            }
            case DELETE -> {
                String agentId = change.before() != null && change.before().text("agent_id") != null
                        ? change.before().text("agent_id") : agents.get(conversationId);
                if (agentId == null) {
                    context.issues().unresolved(change, "the agent of conversation " + conversationId);
                    return RowChangedMapping.INSTANCE.map(change, context);
                }
                // kept: the rows the database cascades after this delete (blocks_conversations) name no agent
                agents.put(conversationId, agentId);
                return List.of(context.events().event(change, agentId, new ConversationDeleted(conversationId, Map.of())));
            }
            default -> throw new IllegalArgumentException("unexpected op " + change.op());
        }
    }
}
