package dev.agentlog.support.kafka;

import dev.agentlog.support.retry.FailureClass;
import dev.agentlog.support.retry.FailureClassifier;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The one place that decides what a Kafka failure means, by exception type (never by message text):
 * <ul>
 *   <li>{@link FailureClass#RETRIABLE}: Kafka's {@link RetriableException}s (timeouts, lost connections, a leader
 *       moving, too few in-sync replicas, a topic not known yet), a wait for an acknowledgement that timed out
 *       ({@link java.util.concurrent.TimeoutException}), and an {@link InterruptException} (the work may pass later;
 *       the interrupted thread does not try again);</li>
 *   <li>{@link FailureClass#POISON}: a record Kafka will never take (too large, invalid, not serializable);</li>
 *   <li>{@link FailureClass#FATAL}: everything else, above all Kafka refusing agentlog itself ({@link Access}: the TLS
 *       handshake, the credentials, a missing ACL), which no retry fixes.</li>
 * </ul>
 * A client that is closing fails its sends with a plain {@code KafkaException}: its owner knows it is closing and
 * says so (the publisher does); this class cannot, and calls it fatal.
 */
public final class KafkaFailures {
    /** Kafka refusing agentlog's client itself: a setting or a grant to fix, never retried. */
    public enum Access {
        TLS_HANDSHAKE("the TLS handshake failed", "the truststore must hold the CA of the brokers' certificates"),
        AUTHENTICATION("Kafka refused the credentials", "check the SASL mechanism and the user and password"),
        AUTHORIZATION("Kafka does not allow it", "grant agentlog's user the ACLs of docs/kafka.md");

        private final String meaning;
        private final String remedy;

        Access(String meaning, String remedy) {
            this.meaning = meaning;
            this.remedy = remedy;
        }

        /** What happened, in words ("Kafka refused the credentials"). */
        public String meaning() {
            return meaning;
        }

        /** What to do about it, in words. */
        public String remedy() {
            return remedy;
        }
    }

    /** A refusal of agentlog itself: what kind, and the exception that says so (from the chain of causes). */
    public record Refusal(Access access, Throwable cause) {}

    /** {@link #classify} and {@link #describe} as a {@link FailureClassifier} for a {@code Retry}. */
    public static final FailureClassifier CLASSIFIER = new FailureClassifier() {
        @Override
        public FailureClass classify(Throwable failure) {
            return KafkaFailures.classify(failure);
        }

        @Override
        public String describe(Throwable failure) {
            return KafkaFailures.describe(failure);
        }
    };

    private KafkaFailures() {}

    public static FailureClass classify(Throwable failure) {
        if (refusal(failure).isPresent()) {
            return FailureClass.FATAL;
        }
        Throwable t = unwrap(failure);
        if (t instanceof RetriableException || t instanceof java.util.concurrent.TimeoutException
                || t instanceof InterruptException) {
            return FailureClass.RETRIABLE;
        }
        if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                || t instanceof InvalidRecordException || t instanceof SerializationException) {
            return FailureClass.POISON;
        }
        return FailureClass.FATAL;
    }

    /** Whether Kafka refused agentlog itself, and how: the first such failure in the chain of causes. */
    public static Optional<Refusal> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return Optional.of(new Refusal(Access.TLS_HANDSHAKE, t));
            }
            if (t instanceof AuthenticationException) {
                return Optional.of(new Refusal(Access.AUTHENTICATION, t));
            }
            if (t instanceof AuthorizationException) {
                return Optional.of(new Refusal(Access.AUTHORIZATION, t));
            }
        }
        return Optional.empty();
    }

    /** The failure in a few words: its type and message, and for a refusal of agentlog itself what it means and what to do. */
    public static String describe(Throwable failure) {
        Optional<Refusal> refusal = refusal(failure);
        if (refusal.isPresent()) {
            Access access = refusal.get().access();
            return access.meaning() + " (" + typeAndMessage(refusal.get().cause()) + "); " + access.remedy()
                    + ": no retry will pass before that";
        }
        return typeAndMessage(unwrap(failure));
    }

    /** The failure inside the wrappers of futures ({@link ExecutionException}, {@link CompletionException}). */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String typeAndMessage(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
