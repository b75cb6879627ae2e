package dev.agentlog.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.sink.fold.AgentFileRow;
import dev.agentlog.sink.fold.AgentLinkRow;
import dev.agentlog.sink.fold.ConversationBlockRow;
import dev.agentlog.sink.fold.ConversationMessageRow;
import dev.agentlog.sink.fold.ConversationRow;
import dev.agentlog.sink.fold.Tables;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * What an agent is made of beside its memory and its default window, at one instant: its named conversations (each
 * with its in-context window and isolated blocks), the files of its folders (open ones are in its context), and its
 * links to tools, folders, identities, groups and tags. The same rows whether read from the tables (now) or folded
 * from the log (a past instant).
 */
public record AgentSurroundings(List<Conversation> conversations, List<AgentFileRow> files, List<AgentLinkRow> links) {
    public static final AgentSurroundings NONE = new AgentSurroundings(List.of(), List.of(), List.of());

    public AgentSurroundings {
        conversations = List.copyOf(conversations);
        files = List.copyOf(files);
        links = List.copyOf(links);
    }

    /**
     * A named conversation with its rows: the window is the rows in context and not deleted, by position (Letta's
     * rule).
     */
    public record Conversation(ConversationRow row, List<ConversationMessageRow> rows, List<ConversationBlockRow> blocks) {
        public Conversation {
            rows = List.copyOf(rows);
            blocks = List.copyOf(blocks);
        }

        public List<String> window() {
            return rows.stream().filter(r -> Boolean.TRUE.equals(r.inContext()) && !Boolean.TRUE.equals(r.deleted()))
                    .sorted(Comparator.comparing(ConversationMessageRow::position,
                            Comparator.nullsLast(Comparator.naturalOrder())))
                    .map(ConversationMessageRow::messageId).toList();
        }
    }

    /** The agent's rows of the five tables, sorted, whatever order they came in. */
    static AgentSurroundings of(String agentId, Collection<ConversationRow> conversations,
            Collection<ConversationMessageRow> rows, Collection<ConversationBlockRow> blocks,
            Collection<AgentFileRow> files, Collection<AgentLinkRow> links) {
        List<Conversation> out = conversations.stream().filter(c -> agentId.equals(c.agentId()))
                .sorted(Comparator.comparing(ConversationRow::conversationId))
                .map(c -> new Conversation(c,
                        rows.stream().filter(r -> c.conversationId().equals(r.conversationId()))
                                .sorted(Comparator.comparing(ConversationMessageRow::conversationMessageId)).toList(),
                        blocks.stream().filter(b -> c.conversationId().equals(b.conversationId()))
                                .sorted(Comparator.comparing(ConversationBlockRow::blockId)).toList()))
                .toList();
        return new AgentSurroundings(out,
                files.stream().filter(f -> agentId.equals(f.agentId()))
                        .sorted(Comparator.comparing(AgentFileRow::fileAgentId)).toList(),
                links.stream().filter(l -> agentId.equals(l.agentId()))
                        .sorted(Comparator.comparing(AgentLinkRow::kind).thenComparing(AgentLinkRow::target)).toList());
    }

    void writeTo(ObjectNode out) {
        ArrayNode conversationArray = out.putArray("conversations");
        for (Conversation c : conversations) {
            ObjectNode node = RowJson.of(Tables.CONVERSATIONS, c.row());
            ArrayNode window = node.putArray("window");
            c.window().forEach(window::add);
            ArrayNode blockArray = node.putArray("blocks");
            c.blocks().forEach(b -> blockArray.add(RowJson.of(Tables.CONVERSATION_BLOCKS, b)));
            conversationArray.add(node);
        }
        ArrayNode fileArray = out.putArray("files");
        files.forEach(f -> fileArray.add(RowJson.of(Tables.AGENT_FILES, f)));
        ObjectNode linkObject = out.putObject("links");
        for (AgentLinkRow link : links) {
            ArrayNode targets = linkObject.has(link.kind()) ? (ArrayNode) linkObject.get(link.kind())
                    : linkObject.putArray(link.kind());
            targets.add(link.target());
        }
    }
}
