package dev.agentlog.client;

import dev.agentlog.client.KafkaUnavailableException;
import dev.agentlog.client.PublishException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The one place that decides what a producer failure means: Kafka unavailable for now (retriable:
 * timeouts, lost connections, leader moves, too few in-sync replicas, a closing producer) or a failure
 * that re-sending will not fix (authorization, a record the broker refuses as too large, ...).
 */
public final class KafkaFailures {
    private KafkaFailures() {}

    public static boolean isUnavailable(Throwable failure) {
        Throwable t = unwrap(failure);
        // org.apache.kafka.common.errors.TimeoutException is a RetriableException: metadata not fetched
        // within max.block.ms, or no ack within delivery.timeout.ms.
        return t instanceof RetriableException
                || t instanceof InterruptException
                || t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("closed")
                || t instanceof KafkaException && String.valueOf(t.getMessage()).contains("closed");
    }

    /** The publisher's exception for a failed send of one event. */
    public static PublishException classify(Throwable failure, String eventId, String topic, String bootstrapServers,
            long publishTimeoutMs) {
        Throwable t = unwrap(failure);
        if (t instanceof PublishException p) {
            return p;
        }
        if (isUnavailable(t)) {
            return new KafkaUnavailableException(eventId, "Kafka at " + bootstrapServers + " did not acknowledge event "
                    + eventId + " on topic " + topic + " within " + publishTimeoutMs + " ms (" + t.getClass().getSimpleName()
                    + ": " + t.getMessage() + "); it is not acknowledged: send it again later, re-sending the same "
                    + "event_id is safe", t);
        }
        return new PublishException(eventId, "Kafka at " + bootstrapServers + " refused event " + eventId + " on topic "
                + topic + " (" + t.getClass().getSimpleName() + ": " + t.getMessage() + "); re-sending will not help "
                + "until that is fixed", t);
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
