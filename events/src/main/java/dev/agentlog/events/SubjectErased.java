package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Payload of {@code subject.erased} (docs/privacy.md): who asked that which subjects be erased. It names ids only,
 * never content. After it, every reader of the log (the sink, rebuild, verify, state, history, export) shows nothing
 * of the agents, blocks and archives it names: their keys are destroyed, so their sealed payloads no longer open, and
 * the fold deletes whatever rows of theirs are left. Written by {@code agentlog erase} on the erased agent's stream
 * (or the erased block's or archive's); ingest refuses it from clients.
 *
 * @param requestedBy who asked (the operator or API key named to {@code erase}); required
 * @param agents the agents erased, with everything of their own stream
 * @param blocks the blocks erased (an agent's own blocks; a block shared with another agent is not erased with it)
 * @param archives the archives erased, with their passages
 */
public record SubjectErased(String requestedBy, List<String> agents, List<String> blocks, List<String> archives,
        Map<String, JsonNode> unknown) implements Payload {
    public SubjectErased {
        agents = agents == null ? List.of() : List.copyOf(agents);
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        archives = archives == null ? List.of() : List.copyOf(archives);
        unknown = Payload.copyOf(unknown);
    }

    static SubjectErased read(PayloadReader r) {
        return new SubjectErased(r.requiredString("requested_by"), r.stringList("agents", false),
                r.stringList("blocks", false), r.stringList("archives", false), r.unknown());
    }

    @Override
    public EventType type() {
        return EventType.SUBJECT_ERASED;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode out = new PayloadWriter().put("requested_by", requestedBy).finish(Map.of());
        out.set("agents", array(agents));
        out.set("blocks", array(blocks));
        out.set("archives", array(archives));
        unknown.forEach(out::set);
        return out;
    }

    private static ArrayNode array(List<String> ids) {
        ArrayNode a = EventCodec.JSON.createArrayNode();
        ids.forEach(a::add);
        return a;
    }
}
