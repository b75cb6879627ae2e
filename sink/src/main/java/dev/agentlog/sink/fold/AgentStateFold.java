package dev.agentlog.sink.fold;

import dev.agentlog.events.ConversationBlockLink;
import dev.agentlog.events.ConversationCreated;
import dev.agentlog.events.ConversationDeleted;
import dev.agentlog.events.ConversationMessageAdded;
import dev.agentlog.events.ConversationMessageRemoved;
import dev.agentlog.events.ConversationMessageUpdated;
import dev.agentlog.events.ConversationUpdated;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventType;
import dev.agentlog.events.FileAttached;
import dev.agentlog.events.FileDetached;
import dev.agentlog.events.FileUpdated;
import dev.agentlog.events.Link;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * The fold rules of the agent's state beyond memory and messages (all on the agent's stream): named conversations,
 * their message rows and isolated blocks, files attached, and links to tools, folders, identities, groups and tags.
 * Called by {@link ProjectionFold}; the same rules in the sink, a rebuild and a point-in-time query.
 * <ul>
 *   <li>{@code conversation.created}: the conversations row, whole. {@code .updated}: the changed fields over the
 *       current row. {@code .deleted}: the row goes, with the conversation's message rows and block links.</li>
 *   <li>{@code conversation.message.added}: the conversation_messages row, whole; {@code .updated}: changed fields;
 *       {@code .removed}: the row goes.</li>
 *   <li>{@code conversation.block.attached} / {@code .detached}: the conversation_blocks row comes / goes.</li>
 *   <li>{@code file.attached}: the agent_files row, whole; {@code file.updated}: changed fields; {@code file.detached}:
 *       the row goes.</li>
 *   <li>a link made / undone ({@code tool.attached}, {@code tag.removed}, ...): the agent_links row comes / goes.</li>
 * </ul>
 * {@code agent.deleted} removes every row of these tables of the agent ({@link #agentDeleted}).
 */
final class AgentStateFold {
    private AgentStateFold() {}

    /** Whether {@link #apply} folds this type. */
    static boolean folds(EventType type) {
        return tableOf(type) != null;
    }

    static TableDef<?, ?> tableOf(EventType type) {
        return switch (type) {
            case CONVERSATION_CREATED, CONVERSATION_UPDATED, CONVERSATION_DELETED -> Tables.CONVERSATIONS;
            case CONVERSATION_MESSAGE_ADDED, CONVERSATION_MESSAGE_UPDATED, CONVERSATION_MESSAGE_REMOVED ->
                    Tables.CONVERSATION_MESSAGES;
            case CONVERSATION_BLOCK_ATTACHED, CONVERSATION_BLOCK_DETACHED -> Tables.CONVERSATION_BLOCKS;
            case FILE_ATTACHED, FILE_UPDATED, FILE_DETACHED -> Tables.AGENT_FILES;
            case TOOL_ATTACHED, TOOL_DETACHED, SOURCE_ATTACHED, SOURCE_DETACHED, IDENTITY_ATTACHED, IDENTITY_DETACHED,
                    GROUP_JOINED, GROUP_LEFT, TAG_ADDED, TAG_REMOVED -> Tables.AGENT_LINKS;
            default -> null;
        };
    }

    static void apply(Event event, Projection p, Instant at) {
        String agentId = event.streamId();
        switch (event.type()) {
            case CONVERSATION_CREATED -> {
                ConversationCreated c = (ConversationCreated) event.payload();
                p.rows(Tables.CONVERSATIONS).put(new ConversationRow(c.conversationId(), agentId, c.summary(), c.model(),
                        ProjectionFold.instantOr(c.lastMessageAt(), null), c.deleted(),
                        ProjectionFold.extra(null, c.unknown()), ProjectionFold.instantOr(c.createdAt(), at), at));
            }
            case CONVERSATION_UPDATED -> conversationUpdated(agentId, (ConversationUpdated) event.payload(), p, at);
            case CONVERSATION_DELETED -> {
                String conversationId = ((ConversationDeleted) event.payload()).conversationId();
                p.rows(Tables.CONVERSATIONS).remove(conversationId);
                p.rows(Tables.CONVERSATION_MESSAGES).removeWhere(Ref.CONVERSATION_ID, conversationId);
                p.rows(Tables.CONVERSATION_BLOCKS).removeWhere(Ref.CONVERSATION_ID, conversationId);
            }
            case CONVERSATION_MESSAGE_ADDED -> {
                ConversationMessageAdded m = (ConversationMessageAdded) event.payload();
                p.rows(Tables.CONVERSATION_MESSAGES).put(new ConversationMessageRow(m.conversationMessageId(), agentId,
                        m.conversationId(), m.messageId(), m.position(), m.inContext(), m.deleted(),
                        ProjectionFold.extra(null, m.unknown())));
            }
            case CONVERSATION_MESSAGE_UPDATED ->
                    conversationMessageUpdated((ConversationMessageUpdated) event.payload(), p);
            case CONVERSATION_MESSAGE_REMOVED -> p.rows(Tables.CONVERSATION_MESSAGES)
                    .remove(((ConversationMessageRemoved) event.payload()).conversationMessageId());
            case CONVERSATION_BLOCK_ATTACHED, CONVERSATION_BLOCK_DETACHED -> {
                ConversationBlockLink l = (ConversationBlockLink) event.payload();
                if (l.attached()) {
                    p.rows(Tables.CONVERSATION_BLOCKS).put(new ConversationBlockRow(l.conversationId(), l.blockId(),
                            agentId, l.label()));
                } else {
                    p.rows(Tables.CONVERSATION_BLOCKS).remove(new ConversationBlockRow.Key(l.conversationId(), l.blockId()));
                }
            }
            case FILE_ATTACHED -> {
                FileAttached f = (FileAttached) event.payload();
                p.rows(Tables.AGENT_FILES).put(new AgentFileRow(f.fileAgentId(), agentId, f.fileId(), f.sourceId(),
                        f.fileName(), f.isOpen(), f.visibleContent(), f.startLine(), f.endLine(),
                        ProjectionFold.instantOr(f.lastAccessedAt(), null), f.deleted(),
                        ProjectionFold.extra(null, f.unknown())));
            }
            case FILE_UPDATED -> fileUpdated((FileUpdated) event.payload(), p);
            case FILE_DETACHED -> p.rows(Tables.AGENT_FILES).remove(((FileDetached) event.payload()).fileAgentId());
            default -> {
                if (!(event.payload() instanceof Link l)) {
                    throw new IllegalArgumentException("not an agent-state event: " + event.type());
                }
                AgentLinkRow row = new AgentLinkRow(agentId, kind(l), l.target());
                if (l.made()) {
                    p.rows(Tables.AGENT_LINKS).put(row);
                } else {
                    p.rows(Tables.AGENT_LINKS).remove(new AgentLinkRow.Key(agentId, row.kind(), row.target()));
                }
            }
        }
    }

    /** The rows an update reads before it folds: its own current row. */
    static void declareReads(Event event, BatchOverlay overlay) {
        switch (event.type()) {
            case CONVERSATION_UPDATED -> overlay.needs(Tables.CONVERSATIONS,
                    ((ConversationUpdated) event.payload()).conversationId());
            case CONVERSATION_MESSAGE_UPDATED -> overlay.needs(Tables.CONVERSATION_MESSAGES,
                    ((ConversationMessageUpdated) event.payload()).conversationMessageId());
            case FILE_UPDATED -> overlay.needs(Tables.AGENT_FILES, ((FileUpdated) event.payload()).fileAgentId());
            default -> {
                // every other type writes whole rows or deletes by key
            }
        }
    }

    static void agentDeleted(String agentId, Projection p) {
        p.rows(Tables.CONVERSATIONS).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.CONVERSATION_MESSAGES).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.CONVERSATION_BLOCKS).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.AGENT_FILES).removeWhere(Ref.AGENT_ID, agentId);
        p.rows(Tables.AGENT_LINKS).removeWhere(Ref.AGENT_ID, agentId);
    }

    /** {@code tool}, {@code source}, {@code identity}, {@code group} or {@code tag}: the link's type without its verb. */
    static String kind(Link link) {
        String wire = link.type().wireName();
        return wire.substring(0, wire.indexOf('.')).toLowerCase(Locale.ROOT);
    }

    private static void conversationUpdated(String agentId, ConversationUpdated u, Projection p, Instant at) {
        Rows<String, ConversationRow> rows = p.rows(Tables.CONVERSATIONS);
        ConversationRow current = rows.get(u.conversationId());
        ConversationRow c = current != null ? current
                : new ConversationRow(u.conversationId(), agentId, null, null, null, null, null, at, at);
        Set<String> cleared = u.cleared();
        rows.put(new ConversationRow(c.conversationId(), c.agentId(),
                ProjectionFold.pick(u.summary(), "summary", cleared, c.summary()),
                ProjectionFold.pick(u.model(), "model", cleared, c.model()),
                ProjectionFold.pick(u.lastMessageAt() == null ? null : u.lastMessageAt().toInstant(), "last_message_at",
                        cleared, c.lastMessageAt()),
                ProjectionFold.pick(u.deleted(), "deleted", cleared, c.deleted()),
                ProjectionFold.extra(c.extra(), u.unknown()), c.createdAt(), at));
    }

    private static void conversationMessageUpdated(ConversationMessageUpdated u, Projection p) {
        Rows<String, ConversationMessageRow> rows = p.rows(Tables.CONVERSATION_MESSAGES);
        ConversationMessageRow c = rows.get(u.conversationMessageId());
        if (c == null) {
            return; // an update of a row the log never added: nothing to place (its conversation is unknown)
        }
        Set<String> cleared = u.cleared();
        rows.put(new ConversationMessageRow(c.conversationMessageId(), c.agentId(), c.conversationId(), c.messageId(),
                ProjectionFold.pick(u.position(), "position", cleared, c.position()),
                ProjectionFold.pick(u.inContext(), "in_context", cleared, c.inContext()),
                ProjectionFold.pick(u.deleted(), "deleted", cleared, c.deleted()),
                ProjectionFold.extra(c.extra(), u.unknown())));
    }

    private static void fileUpdated(FileUpdated u, Projection p) {
        Rows<String, AgentFileRow> rows = p.rows(Tables.AGENT_FILES);
        AgentFileRow c = rows.get(u.fileAgentId());
        if (c == null) {
            return; // an update of a row the log never attached: which file it is, the log does not know
        }
        Set<String> cleared = u.cleared();
        rows.put(new AgentFileRow(c.fileAgentId(), c.agentId(), c.fileId(), c.sourceId(), c.fileName(),
                ProjectionFold.pick(u.isOpen(), "is_open", cleared, c.isOpen()),
                ProjectionFold.pick(u.visibleContent(), "visible_content", cleared, c.visibleContent()),
                ProjectionFold.pick(u.startLine(), "start_line", cleared, c.startLine()),
                ProjectionFold.pick(u.endLine(), "end_line", cleared, c.endLine()),
                ProjectionFold.pick(u.lastAccessedAt() == null ? null : u.lastAccessedAt().toInstant(),
                        "last_accessed_at", cleared, c.lastAccessedAt()),
                ProjectionFold.pick(u.deleted(), "deleted", cleared, c.deleted()),
                ProjectionFold.extra(c.extra(), u.unknown())));
    }
}
