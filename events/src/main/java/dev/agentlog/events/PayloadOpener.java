package dev.agentlog.events;

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
     * @throws IllegalStateException when the key store has no key and no erasure for the subject: the key store is
     *     not the one the log was sealed with
     */
    ObjectNode open(String eventId, EventType type, ObjectNode payload) throws InvalidEventException;

    /** Forgets what it keeps of these subjects' keys (a reader that met their {@code subject.erased}). */
    default void forget(java.util.Collection<String> subjects) {}
}
