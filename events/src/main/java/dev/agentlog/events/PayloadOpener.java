package dev.agentlog.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Opens sealed payloads with the key store (the {@code privacy} module's cipher): the readers' side of {@link PayloadSealer}. */
@FunctionalInterface
public interface PayloadOpener {
    /**
     * The plaintext payload sealed in {@code payload} (an object with {@value Sealing#FIELD}), as it was sealed; null
     * when its subject was erased (its key destroyed).
     *
     * @throws InvalidEventException when the ciphertext does not open with the subject's key (changed, or moved from
     *     another event: rule code {@code unreadable})
     * @throws IllegalStateException when the key store has no key and no erasure of the subject: the key store is
     *     not the one the log was sealed with
     */
    ObjectNode open(String eventId, EventType type, ObjectNode payload) throws InvalidEventException;

    /**
     * As {@link #open(String, EventType, ObjectNode)}, the plaintext's JSON text read by {@code parser} (the sink's,
     * which remembers where the payload's values lie in the plaintext, so that it stores them without writing them
     * back to text). An opener that does not parse text itself may ignore it.
     */
    default ObjectNode open(String eventId, EventType type, ObjectNode payload, PlaintextParser parser)
            throws InvalidEventException {
        return open(eventId, type, payload);
    }

    /**
     * Gets ready to open payloads of these subjects (the key store reads their keys in one go, not one by one as
     * their events come); a subject it does not know is left for {@link #open} to report.
     */
    default void prefetch(java.util.Collection<String> subjects) {}

    /** Forgets what it keeps of these subjects' keys (a reader that met their {@code subject.erased}). */
    default void forget(java.util.Collection<String> subjects) {}

    /**
     * Reads an opened payload's JSON text (UTF-8) into a tree, with the contract's rules and errors of
     * {@link EventCodec#parse(byte[])} ({@link EventCodec#parse(byte[])} itself is one). The codec hands a parser of
     * its own ({@link EventCodec#parsingOpenedWith}) only payloads at their type's current version, which no upcaster
     * changes afterwards: such a parser may return nodes that remember where their text lies.
     */
    @FunctionalInterface
    interface PlaintextParser {
        JsonNode parse(byte[] json) throws InvalidEventException;
    }
}
