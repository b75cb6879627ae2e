package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The type-specific part of an event (contract section 2). Every payload keeps the fields it does
 * not know in {@link #unknown()}, in their original order and untouched, and writes them back out:
 * a producer newer than this code loses nothing on its way through the pipeline.
 */
public sealed interface Payload permits AgentCreated, AgentUpdated, AgentDeleted, MessageCreated, MessageUpdated,
        MessageDeleted, ContextUpdated, BlockAttached, BlockDetached, ArchiveAttached, ArchiveDetached, BlockCreated,
        BlockUpdated, BlockDeleted, ArchiveCreated, PassageInserted, PassageDeleted, ArchiveDeleted, RowChanged,
        ConversationCreated, ConversationUpdated, ConversationDeleted, ConversationMessageAdded,
        ConversationMessageUpdated, ConversationMessageRemoved, ConversationBlockLink, FileAttached, FileUpdated,
        FileDetached, Link, SubjectErased, SealedPayload {

    EventType type();

    /** Fields this version of agentlog does not know, verbatim. */
    Map<String, JsonNode> unknown();

    /** The payload as the contract's JSON object: known fields first, then the unknown ones. */
    ObjectNode toJson();

    static Map<String, JsonNode> copyOf(Map<String, JsonNode> unknown) {
        return unknown.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(unknown));
    }
}
