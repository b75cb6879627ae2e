package dev.agentlog.ingest.internal;

import dev.agentlog.events.Violation;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What became of one event of a request; {@code cause} is a failure for the server log only (the key store's own error
 * when the data keys could not be read), never for the answer.
 */
record EventOutcome(Status status, String eventId, RecordMetadata metadata, List<Violation> violations, String error,
        Throwable cause) {
    enum Status {
        /** In Kafka with acks=all. */
        ACCEPTED("accepted"),
        /** Invalid: will be refused again, fix it. */
        REFUSED("refused"),
        /** Too large: will be refused again, fix it. */
        TOO_LARGE("refused"),
        /** Not acknowledged because Kafka was unavailable: send it again later. */
        UNAVAILABLE("unavailable"),
        /** Not sent because its subject's data key could not be read (encryption on): send it again later. */
        KEYS_UNAVAILABLE("unavailable"),
        /** Not acknowledged because Kafka refused it for another reason. */
        FAILED("failed");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }
    }

    static EventOutcome accepted(String eventId, RecordMetadata metadata) {
        return new EventOutcome(Status.ACCEPTED, eventId, metadata, List.of(), null, null);
    }

    static EventOutcome refused(String eventId, List<Violation> violations) {
        return new EventOutcome(Status.REFUSED, eventId, null, List.copyOf(violations), null, null);
    }

    static EventOutcome tooLarge(String eventId, Violation violation) {
        return new EventOutcome(Status.TOO_LARGE, eventId, null, List.of(violation), null, null);
    }

    static EventOutcome unavailable(String eventId, String error) {
        return new EventOutcome(Status.UNAVAILABLE, eventId, null, List.of(), error, null);
    }

    static EventOutcome keysUnavailable(String eventId, String error, Throwable cause) {
        return new EventOutcome(Status.KEYS_UNAVAILABLE, eventId, null, List.of(), error, cause);
    }

    static EventOutcome failed(String eventId, String error) {
        return new EventOutcome(Status.FAILED, eventId, null, List.of(), error, null);
    }

    boolean isRefused() {
        return status == Status.REFUSED || status == Status.TOO_LARGE;
    }
}
