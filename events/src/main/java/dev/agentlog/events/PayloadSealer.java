package dev.agentlog.events;

/**
 * Seals the personal fields of an event's payload with its subject's key (the {@code privacy} module's cipher), at the
 * edge, after the event was validated. {@link #NONE} leaves events as they are (encryption off).
 */
@FunctionalInterface
public interface PayloadSealer {
    PayloadSealer NONE = event -> event;

    /**
     * The event with its payload sealed; an event that is sealed already, or that has nothing to seal, as it is.
     *
     * @throws InvalidEventException when the event's subject was erased (its key is gone and stays gone)
     * @throws KeysUnavailableException when the subject's key cannot be had now (send the event again later)
     */
    Event seal(Event event) throws InvalidEventException;
}
