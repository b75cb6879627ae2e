package dev.agentlog.app.cdc;

import static dev.agentlog.app.cdc.LettaWriter.ORG;
import static dev.agentlog.app.cdc.LettaWriter.exec;
import static dev.agentlog.app.cdc.LettaWriter.id;

import java.sql.SQLException;
import java.util.List;

/**
 * Named conversations as Letta 0.16.8 writes them (../shared/letta/README.md, "Conversations"): create with an
 * isolated block, turns through {@link LettaWriter#turn} (which writes conversation_messages instead of
 * agents.message_ids), fork, soft delete with its isolated blocks hard-deleted.
 */
final class LettaConversations {
    private final LettaWriter writer;

    LettaConversations(LettaWriter writer) {
        this.writer = writer;
    }

    /**
     * Create (conversation_manager.py:50-101, 222-309): the conversation and an isolated copy of one of the agent's
     * blocks; then its own system message; then its first conversation_messages row. Three transactions.
     */
    LettaWriter.Agent create(LettaWriter.Agent agent, String summary, String isolatedLabel) throws SQLException {
        String conversationId = id("conv");
        writer.tx(c -> {
            exec(c, "INSERT INTO conversations (id, agent_id, summary, organization_id, last_message_at) "
                    + "VALUES (?, ?, ?, ?, now())", conversationId, agent.id, summary, ORG);
            if (isolatedLabel != null) {
                String original = LettaWriter.single(c, "SELECT b.value FROM block b JOIN blocks_agents ba ON "
                        + "ba.block_id = b.id WHERE ba.agent_id = ? AND ba.block_label = ?", agent.id, isolatedLabel);
                String copy = writer.createBlock(c, isolatedLabel, original);
                exec(c, "INSERT INTO blocks_conversations (conversation_id, block_id, block_label) VALUES (?, ?, ?)",
                        conversationId, copy, isolatedLabel);
            }
        });
        return withSystemMessage(agent, conversationId);
    }

    /** A conversation's own system message and its first row (position 0). */
    private LettaWriter.Agent withSystemMessage(LettaWriter.Agent agent, String conversationId) throws SQLException {
        LettaWriter.Agent conversation = new LettaWriter.Agent(agent.id, id("message"));
        conversation.conversationId = conversationId;
        writer.tx(c -> exec(c, "INSERT INTO messages (id, organization_id, agent_id, role, content, conversation_id) "
                + "VALUES (?, ?, ?, 'system', ?::json, ?)", conversation.systemMessageId, ORG, agent.id,
                LettaWriter.content("You are a helpful agent (conversation " + conversationId + ")."), conversationId));
        writer.tx(c -> exec(c, "INSERT INTO conversation_messages (id, conversation_id, agent_id, message_id, position, "
                + "in_context, organization_id) VALUES (?, ?, ?, ?, 0, true, ?)", id("conv_msg"), conversationId,
                agent.id, conversation.systemMessageId, ORG));
        conversation.window.add(conversation.systemMessageId);
        return conversation;
    }

    /** A turn in the conversation: last_message_at first (conversations.py:457-461), then the turn itself. */
    void turn(LettaWriter.Agent conversation, String userText, String reply) throws SQLException {
        writer.tx(c -> exec(c, "UPDATE conversations SET last_message_at = now() WHERE id = ?",
                conversation.conversationId));
        writer.turn(conversation, userText, reply);
    }

    /** Compaction inside the conversation: the window shrinks to [system, tail]; evicted rows leave the context. */
    void compact(LettaWriter.Agent conversation, int keepTail) throws SQLException {
        List<String> tail = List.copyOf(conversation.window.subList(conversation.window.size() - keepTail,
                conversation.window.size()));
        conversation.window.clear();
        conversation.window.add(conversation.systemMessageId);
        conversation.window.addAll(tail);
        writer.conversationTurn(conversation, List.of());
    }

    /** Fork (conversation_manager.py:105-170): rows pointing at the same messages, and its own system message. */
    LettaWriter.Agent fork(LettaWriter.Agent from, String summary) throws SQLException {
        String conversationId = id("conv");
        writer.tx(c -> exec(c, "INSERT INTO conversations (id, agent_id, summary, organization_id) VALUES (?, ?, ?, ?)",
                conversationId, from.id, summary, ORG));
        LettaWriter.Agent fork = withSystemMessage(from, conversationId);
        List<String> shared = from.window.subList(1, from.window.size());
        writer.tx(c -> {
            int position = 1;
            for (String messageId : shared) {
                exec(c, "INSERT INTO conversation_messages (id, conversation_id, agent_id, message_id, position, "
                        + "in_context, organization_id) VALUES (?, ?, ?, ?, ?, true, ?)", id("conv_msg"), conversationId,
                        from.id, messageId, position++, ORG);
            }
        });
        fork.window.addAll(shared);
        return fork;
    }

    /**
     * Delete (conversation_manager.py:556-611): soft deletes of its rows, of its messages no live conversation still
     * uses, and of itself; then its isolated blocks are hard-deleted.
     */
    void delete(LettaWriter.Agent conversation) throws SQLException {
        String id = conversation.conversationId;
        writer.tx(c -> {
            exec(c, "UPDATE conversation_messages SET is_deleted = true WHERE conversation_id = ?", id);
            exec(c, "UPDATE messages SET is_deleted = true WHERE id IN (SELECT message_id FROM conversation_messages "
                    + "WHERE conversation_id = ?) AND id NOT IN (SELECT message_id FROM conversation_messages cm JOIN "
                    + "conversations v ON v.id = cm.conversation_id WHERE cm.conversation_id <> ? AND NOT cm.is_deleted "
                    + "AND NOT v.is_deleted)", id, id);
            exec(c, "UPDATE conversations SET is_deleted = true WHERE id = ?", id);
        });
        List<String> isolated = writer.query("SELECT block_id FROM blocks_conversations WHERE conversation_id = ?", id);
        writer.tx(c -> {
            exec(c, "DELETE FROM blocks_conversations WHERE conversation_id = ?", id);
            for (String blockId : isolated) {
                exec(c, "DELETE FROM block WHERE id = ?", blockId);
            }
        });
    }
}
