package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * Payload of the events that make or undo a link of an agent to one other thing by its id: a tool
 * ({@code tool.attached}, {@code tool.detached}: Letta's {@code tools_agents}), a folder ({@code source.attached},
 * {@code source.detached}: {@code sources_agents}), an identity ({@code identity.attached}, {@code identity.detached}:
 * {@code identities_agents}), a group ({@code group.joined}, {@code group.left}: {@code groups_agents}) or a tag
 * ({@code tag.added}, {@code tag.removed}: {@code agents_tags}). The agent is the stream; the one field is named by
 * the type ({@link #field(EventType)}). Two links are the same when their type and target are.
 */
public record Link(EventType type, String target, Map<String, JsonNode> unknown) implements Payload {
    public Link {
        Objects.requireNonNull(type, "type");
        if (field(type) == null) {
            throw new IllegalArgumentException(type.wireName() + " is not a link");
        }
        unknown = Payload.copyOf(unknown);
    }

    /** The payload field that names the target of a link type; null for a type that is not a link. */
    public static String field(EventType type) {
        return switch (type) {
            case TOOL_ATTACHED, TOOL_DETACHED -> "tool_id";
            case SOURCE_ATTACHED, SOURCE_DETACHED -> "source_id";
            case IDENTITY_ATTACHED, IDENTITY_DETACHED -> "identity_id";
            case GROUP_JOINED, GROUP_LEFT -> "group_id";
            case TAG_ADDED, TAG_REMOVED -> "tag";
            default -> null;
        };
    }

    /** Whether this type makes the link (attached, joined, added) rather than undoes it. */
    public boolean made() {
        return switch (type) {
            case TOOL_ATTACHED, SOURCE_ATTACHED, IDENTITY_ATTACHED, GROUP_JOINED, TAG_ADDED -> true;
            default -> false;
        };
    }

    static Link reader(EventType type, PayloadReader r) {
        String field = field(type);
        // a tag is free text, not an id; the others are ids
        String target = field.equals("tag") ? r.requiredString(field) : r.requiredId(field);
        return new Link(type, target, r.unknown());
    }

    @Override
    public ObjectNode toJson() {
        return new PayloadWriter().put(field(type), target).finish(unknown);
    }
}
