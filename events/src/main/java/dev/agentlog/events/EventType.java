package dev.agentlog.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The event catalogue (contract section 2): wire name, the kind of stream it belongs to, the newest
 * payload schema version, and how to read its payload. Older versions are upcast by {@link Upcasters}.
 */
public enum EventType {
    AGENT_CREATED("agent.created", StreamKind.AGENT, 1, AgentCreated::read),
    AGENT_UPDATED("agent.updated", StreamKind.AGENT, 1, AgentUpdated::read),
    AGENT_DELETED("agent.deleted", StreamKind.AGENT, 1, AgentDeleted::read),
    MESSAGE_CREATED("message.created", StreamKind.AGENT, 2, MessageCreated::read),
    MESSAGE_UPDATED("message.updated", StreamKind.AGENT, 1, MessageUpdated::read),
    MESSAGE_DELETED("message.deleted", StreamKind.AGENT, 1, MessageDeleted::read),
    CONTEXT_UPDATED("context.updated", StreamKind.AGENT, 1, ContextUpdated::read),
    BLOCK_ATTACHED("block.attached", StreamKind.AGENT, 1, BlockAttached::read),
    BLOCK_DETACHED("block.detached", StreamKind.AGENT, 1, BlockDetached::read),
    ARCHIVE_ATTACHED("archive.attached", StreamKind.AGENT, 1, ArchiveAttached::read),
    ARCHIVE_DETACHED("archive.detached", StreamKind.AGENT, 1, ArchiveDetached::read),
    CONVERSATION_CREATED("conversation.created", StreamKind.AGENT, 1, ConversationCreated::read),
    CONVERSATION_UPDATED("conversation.updated", StreamKind.AGENT, 1, ConversationUpdated::read),
    CONVERSATION_DELETED("conversation.deleted", StreamKind.AGENT, 1, ConversationDeleted::read),
    CONVERSATION_MESSAGE_ADDED("conversation.message.added", StreamKind.AGENT, 1, ConversationMessageAdded::read),
    CONVERSATION_MESSAGE_UPDATED("conversation.message.updated", StreamKind.AGENT, 1, ConversationMessageUpdated::read),
    CONVERSATION_MESSAGE_REMOVED("conversation.message.removed", StreamKind.AGENT, 1, ConversationMessageRemoved::read),
    CONVERSATION_BLOCK_ATTACHED("conversation.block.attached", StreamKind.AGENT, 1,
            ConversationBlockLink::reader),
    CONVERSATION_BLOCK_DETACHED("conversation.block.detached", StreamKind.AGENT, 1,
            ConversationBlockLink::reader),
    FILE_ATTACHED("file.attached", StreamKind.AGENT, 1, FileAttached::read),
    FILE_UPDATED("file.updated", StreamKind.AGENT, 1, FileUpdated::read),
    FILE_DETACHED("file.detached", StreamKind.AGENT, 1, FileDetached::read),
    TOOL_ATTACHED("tool.attached", StreamKind.AGENT, 1, Link::reader),
    TOOL_DETACHED("tool.detached", StreamKind.AGENT, 1, Link::reader),
    SOURCE_ATTACHED("source.attached", StreamKind.AGENT, 1, Link::reader),
    SOURCE_DETACHED("source.detached", StreamKind.AGENT, 1, Link::reader),
    IDENTITY_ATTACHED("identity.attached", StreamKind.AGENT, 1, Link::reader),
    IDENTITY_DETACHED("identity.detached", StreamKind.AGENT, 1, Link::reader),
    GROUP_JOINED("group.joined", StreamKind.AGENT, 1, Link::reader),
    GROUP_LEFT("group.left", StreamKind.AGENT, 1, Link::reader),
    TAG_ADDED("tag.added", StreamKind.AGENT, 1, Link::reader),
    TAG_REMOVED("tag.removed", StreamKind.AGENT, 1, Link::reader),
    BLOCK_CREATED("block.created", StreamKind.BLOCK, 1, BlockCreated::read),
    BLOCK_UPDATED("block.updated", StreamKind.BLOCK, 1, BlockUpdated::read),
    BLOCK_DELETED("block.deleted", StreamKind.BLOCK, 1, BlockDeleted::read),
    ARCHIVE_CREATED("archive.created", StreamKind.ARCHIVE, 1, ArchiveCreated::read),
    PASSAGE_INSERTED("passage.inserted", StreamKind.ARCHIVE, 1, PassageInserted::read),
    PASSAGE_DELETED("passage.deleted", StreamKind.ARCHIVE, 1, PassageDeleted::read),
    ARCHIVE_DELETED("archive.deleted", StreamKind.ARCHIVE, 1, ArchiveDeleted::read),
    ROW_CHANGED("row.changed", StreamKind.ROW, 1, RowChanged::read),
    /** Written by {@code agentlog erase} only, on the erased subject's stream (ingest refuses it from clients). */
    SUBJECT_ERASED("subject.erased", StreamKind.AGENT, 1, SubjectErased::read);

    private static final Map<String, EventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;
    private final StreamKind streamKind;
    private final int currentVersion;
    private final Function<PayloadReader, Payload> reader;

    EventType(String wireName, StreamKind streamKind, int currentVersion, Function<PayloadReader, Payload> reader) {
        this.wireName = wireName;
        this.streamKind = streamKind;
        this.currentVersion = currentVersion;
        this.reader = reader;
    }

    /** For the payloads that serve several types (links): their reader is told which type it reads. */
    EventType(String wireName, StreamKind streamKind, int currentVersion,
            BiFunction<EventType, PayloadReader, Payload> reader) {
        this.wireName = wireName;
        this.streamKind = streamKind;
        this.currentVersion = currentVersion;
        this.reader = r -> reader.apply(this, r);
    }

    public static Optional<EventType> fromWireName(String name) {
        return Optional.ofNullable(BY_WIRE_NAME.get(name));
    }

    public String wireName() {
        return wireName;
    }

    public StreamKind streamKind() {
        return streamKind;
    }

    /** The newest schema_version of this type's payload; events of record always carry it. */
    public int currentVersion() {
        return currentVersion;
    }

    Payload readPayload(PayloadReader reader) {
        return this.reader.apply(reader);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
