package dev.agentlog.support.retry;

/**
 * One failure domain's rules (PostgreSQL by SQLSTATE, Kafka by exception type): what a failure means, and how to name
 * it in a log line. Never by message text.
 */
public interface FailureClassifier {
    FailureClass classify(Throwable failure);

    /** The failure in a few words for a log line or an error message (default: its class and message). */
    default String describe(Throwable failure) {
        return failure.toString();
    }
}
