package dev.agentlog.letta.mapping;

import java.util.Map;

/**
 * What the mappings remember between changes, bounded (least recently used entries are forgotten): the last
 * image of each agent row (updates carry no before-image under the default replica identity, so this is how an
 * agent.updated names only the columns that changed), the agent of each message and what is known of each
 * passage and tag row (key-only deletes carry neither the agent nor the archive that names their stream).
 *
 * <p>Kept in memory only and dropped with the engine: a restarted capture starts empty, and then says more
 * than needed (an agent.updated of every column), never less. Confined to the engine's one handler thread.
 */
public final class MappingState {
    static final int MAX_AGENTS = 10_000;
    static final int MAX_MESSAGES = 200_000;
    static final int MAX_PASSAGES = 2_000;
    static final int MAX_TAG_ROWS = 100_000;

    final Map<String, Row> agents = new BoundedMap<>(MAX_AGENTS);
    final Map<String, String> agentOfMessage = new BoundedMap<>(MAX_MESSAGES);
    final Map<String, PassageState> passages = new BoundedMap<>(MAX_PASSAGES);
    final Map<String, String> passageOfTagRow = new BoundedMap<>(MAX_TAG_ROWS);
    static final int MAX_CONVERSATIONS = 50_000;
    static final int MAX_CONVERSATION_ROWS = 200_000;
    final Map<String, String> agentOfConversation = new BoundedMap<>(MAX_CONVERSATIONS);
    final Map<String, String> agentOfConversationMessage = new BoundedMap<>(MAX_CONVERSATION_ROWS);
}
