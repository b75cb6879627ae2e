package dev.agentlog.letta.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One event of the log as a restore folds it: its type, its stream and its payload as contract JSON (upcast to the
 * current version and opened when sealed), unknown fields included, for Letta's columns travel in them.
 */
public record RestoreEvent(String type, String streamId, ObjectNode payload) {
    public RestoreEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(payload, "payload");
    }
}
