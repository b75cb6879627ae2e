package dev.agentlog.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Turns the payload of one schema version of one type into the next version's. Pure; may return its input. */
@FunctionalInterface
public interface Upcaster {
    ObjectNode upcast(ObjectNode payload);
}
