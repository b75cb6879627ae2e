package dev.agentlog.support.retry;

/** What a failure means for the work that met it; each failure domain decides it in one place, by type or code. */
public enum FailureClass {
    /** Passing (a connection lost, a leader moving, a serialization conflict): the same work again after a back-off. */
    RETRIABLE,
    /** The data of one item is refused and always will be: set that item aside (the dead-letter topic), go on. */
    POISON,
    /** Nothing will pass until an operator acts (credentials, permissions, a missing table, a bug): stop, say what. */
    FATAL
}
