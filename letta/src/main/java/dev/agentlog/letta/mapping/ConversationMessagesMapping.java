package dev.agentlog.letta.mapping;

import dev.agentlog.events.ConversationMessageAdded;
import dev.agentlog.events.ConversationMessageRemoved;
import dev.agentlog.events.ConversationMessageUpdated;
import dev.agentlog.events.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Letta's {@code conversation_messages}: the rows of a named conversation's window, on the agent's stream. Each turn
 * inserts the new messages' rows, then rewrites {@code in_context} and {@code position} of every row whose value
 * changed, one UPDATE per row: each is a {@code conversation.message.added} or {@code .updated}, so that every
 * committed state of the window is in the log (a point in time after a commit sees all of that transaction's rows).
 * A key-only delete names its agent through the rows seen since start or the before-image.
 */
final class ConversationMessagesMapping implements TableMapping {
    static final Set<String> CARRIED = Set.of("conversation_id", "agent_id", "message_id", "position", "in_context",
            "is_deleted");

    @Override
    public String table() {
        return "conversation_messages";
    }

    @Override
    public List<Event> map(Change change, MappingContext context) {
        String rowId = change.text("id");
        Map<String, String> agents = context.state().agentOfConversationMessage;
        switch (change.op()) {
            case CREATE, READ -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                agents.put(rowId, agentId);
                return List.of(context.events().event(change, agentId, new ConversationMessageAdded(rowId,
                        row.text("conversation_id"), row.text("message_id"), row.integer("position"),
                        row.bool("in_context"), row.bool("is_deleted"), Columns.extras(row, CARRIED, false))));
            }
            case UPDATE -> {
                Row row = change.after();
                String agentId = row.text("agent_id");
                agents.put(rowId, agentId);
                UpdateFields f = new UpdateFields(row, Columns.changed(row, change.before()));
                ConversationMessageUpdated updated = new ConversationMessageUpdated(rowId,
                        f.integer("position", "position"), f.bool("in_context", "in_context"),
                        f.bool("is_deleted", "deleted"), f.cleared, f.extras(CARRIED).unknown);
                return f.isEmpty() ? List.of() : List.of(context.events().event(change, agentId, updated));
            }
            case DELETE -> {
                String agentId = change.before() != null && change.before().text("agent_id") != null
                        ? change.before().text("agent_id") : agents.get(rowId);
                agents.remove(rowId);
                if (agentId == null) {
                    context.issues().unresolved(change, "the agent of conversation row " + rowId);
                    return RowChangedMapping.INSTANCE.map(change, context);
                }
                return List.of(context.events().event(change, agentId, new ConversationMessageRemoved(rowId, Map.of())));
            }
            default -> throw new IllegalArgumentException("unexpected op " + change.op());
        }
    }
}
