package dev.agentlog.privacy;

import dev.agentlog.events.Event;
import dev.agentlog.events.StreamKind;

/**
 * Whose key seals an event (docs/privacy.md, "Subjects"). Every agent, block and archive is a subject of its own,
 * named by its stream id: the edge needs no state to decide (it cannot know yet whether a block will be shared), and
 * {@code agentlog erase agent} erases with the agent every block and archive that no other agent ever attached
 * (its own), while a block shared with another agent stays. A row of another Letta table ({@code row.changed}) is
 * the subject of the agent it names in {@code agent_id}, or else of its own stream.
 */
public final class Subjects {
    private Subjects() {}

    public static String of(Event event) {
        if (event.type().streamKind() == StreamKind.ROW && event.agentId() != null && !event.agentId().isEmpty()) {
            return event.agentId();
        }
        return event.streamId();
    }
}
