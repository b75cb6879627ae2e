package dev.agentlog.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventType;
import dev.agentlog.events.StreamKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * {@code agentlog import}: turns exported events into events to send again. Always: {@code stream_seq} is
 * removed (the processor gives each event the next position of its stream in the target deployment) and
 * {@code source} becomes {@value #SOURCE}. With a new agent id (a fork), every id the agent owns is replaced by
 * one derived from it: the agent's stream, its blocks' and archives' streams, and the message and passage ids
 * (primary keys of their tables), in the envelope ({@code agent_id} and {@code actor} too, where the agent
 * itself acted) and inside payloads ({@code block_id}, {@code archive_id},
 * {@code message_id}, {@code message_ids}, {@code passage_id}, {@code conversation_id},
 * {@code conversation_message_id}, {@code file_agent_id}); and every event gets a new event_id. Derived ids
 * are name-based UUIDs of (new agent id, kind, old id): importing the same file as the same new agent twice
 * sends the same events, which the pipeline keeps once. Blocks shared with other agents become the fork's own
 * copies. Pure, thread-safe.
 */
public final class ForkRewriter {
    public static final String SOURCE = "import";

    private final String oldAgentId;
    private final String newAgentId;

    private ForkRewriter(String oldAgentId, String newAgentId) {
        this.oldAgentId = oldAgentId;
        this.newAgentId = newAgentId;
    }

    /** Sends the events again as they are (moving an agent to another deployment). */
    public static ForkRewriter keepingIds() {
        return new ForkRewriter(null, null);
    }

    /** Forks agent {@code oldAgentId} as {@code newAgentId}. */
    public static ForkRewriter asNewAgent(String oldAgentId, String newAgentId) {
        if (newAgentId == null || newAgentId.isBlank() || newAgentId.length() > 256) {
            throw new IllegalArgumentException("--as must be an agent id of 1..256 characters, was '" + newAgentId + "'");
        }
        if (newAgentId.equals(oldAgentId)) {
            throw new IllegalArgumentException("--as " + newAgentId + " is the exported agent's own id: leave --as out"
                    + " to import the agent as it is");
        }
        return new ForkRewriter(oldAgentId, newAgentId);
    }

    /**
     * The agent an export is about: the stream of its agent-stream events.
     *
     * @throws IllegalArgumentException when the events hold no agent stream, or several
     */
    public static String agentOf(List<ObjectNode> events) {
        String agent = null;
        for (ObjectNode event : events) {
            agent = sameAgent(agent, event);
        }
        if (agent == null) {
            throw new IllegalArgumentException("the file holds no agent events (agent.created, message.created, ...):"
                    + " is it an `agentlog export` file?");
        }
        return agent;
    }

    /**
     * The agent found so far, checked against one more event: its stream when it is an agent-stream event.
     *
     * @param agent the agent found so far, or null
     * @throws IllegalArgumentException when the event belongs to another agent
     */
    public static String sameAgent(String agent, ObjectNode event) {
        EventType type = EventType.fromWireName(event.path("type").asText()).orElse(null);
        if (type == null || type.streamKind() != StreamKind.AGENT) {
            return agent;
        }
        String stream = event.path("stream_id").asText();
        if (agent != null && !agent.equals(stream)) {
            throw new IllegalArgumentException("the file holds events of two agents, " + agent + " and " + stream
                    + ": export one agent per file");
        }
        return stream;
    }

    public boolean forks() {
        return newAgentId != null;
    }

    /** The event to send for this exported one (a new object; the argument is not changed). */
    public ObjectNode rewrite(ObjectNode exported) {
        ObjectNode event = exported.deepCopy();
        event.remove("stream_seq");
        event.put("source", SOURCE);
        if (!forks()) {
            return event;
        }
        event.put("event_id", eventId(event.path("event_id").asText()));
        String stream = event.path("stream_id").asText();
        StreamKind kind = EventType.fromWireName(event.path("type").asText()).map(EventType::streamKind).orElse(null);
        if (kind == StreamKind.AGENT) {
            if (!stream.equals(oldAgentId)) {
                throw new IllegalArgumentException("event " + exported.path("event_id").asText() + " belongs to agent "
                        + stream + ", not to the exported agent " + oldAgentId);
            }
            event.put("stream_id", newAgentId);
        } else if (kind == StreamKind.BLOCK) {
            event.put("stream_id", blockId(stream));
        } else if (kind == StreamKind.ARCHIVE) {
            event.put("stream_id", archiveId(stream));
        }
        // where the agent itself acted (its tool calls edit its blocks), the fork acted
        for (String field : List.of("agent_id", "actor")) {
            if (oldAgentId.equals(event.path(field).asText(null))) {
                event.put(field, newAgentId);
            }
        }
        JsonNode payload = event.get("payload");
        if (payload instanceof ObjectNode p) {
            replace(p, "message_id", "message");
            replace(p, "block_id", "block");
            replace(p, "archive_id", "archive");
            replace(p, "passage_id", "passage");
            // rows of the agent's own named conversations and open files: primary keys of their tables, so a fork
            // that kept them would overwrite the original agent's rows
            replace(p, "conversation_id", "conv");
            replace(p, "conversation_message_id", "conv_msg");
            replace(p, "file_agent_id", "file_agent");
            if (p.get("message_ids") instanceof ArrayNode ids) {
                for (int i = 0; i < ids.size(); i++) {
                    if (ids.get(i).isTextual()) {
                        ids.set(i, ids.textNode(messageId(ids.get(i).textValue())));
                    }
                }
            }
        }
        return event;
    }

    private void replace(ObjectNode payload, String field, String kind) {
        JsonNode value = payload.get(field);
        if (value != null && value.isTextual()) {
            payload.put(field, derive(kind, value.textValue()));
        }
    }

    public String eventId(String old) {
        return forks() ? uuid("event", old) : old;
    }

    public String blockId(String old) {
        return forks() ? derive("block", old) : old;
    }

    public String archiveId(String old) {
        return forks() ? derive("archive", old) : old;
    }

    public String messageId(String old) {
        return forks() ? derive("message", old) : old;
    }

    public String passageId(String old) {
        return forks() ? derive("passage", old) : old;
    }

    /** {@code <kind>-<name-based UUID>}, Letta's id shape. */
    private String derive(String kind, String old) {
        return kind + "-" + uuid(kind, old);
    }

    private String uuid(String kind, String old) {
        return UUID.nameUUIDFromBytes(("agentlog-fork\n" + newAgentId + "\n" + kind + "\n" + old)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
