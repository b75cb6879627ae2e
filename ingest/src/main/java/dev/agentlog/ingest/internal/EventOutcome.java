package dev.agentlog.ingest.internal;

import dev.agentlog.events.Violation;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;

/** What became of one event of a request. */
record EventOutcome(Status status, String eventId, RecordMetadata metadata, List<Violation> violations, String error) {
    enum Status {
        /** In Kafka with acks=all. */
        ACCEPTED("accepted"),
        /** Invalid: will be refused again, fix it. */
        REFUSED("refused"),
        /** Too large: will be refused again, fix it. */
        TOO_LARGE("refused"),
        /** Not acknowledged because Kafka was unavailable: send it again later. */
        UNAVAILABLE("unavailable"),
        /** Not acknowledged because Kafka refused it for another reason. */
        FAILED("failed");

        final String wire;

        Status(String wire) {
            this.wire = wire;
        }
    }

    static EventOutcome accepted(String eventId, RecordMetadata metadata) {
        return new EventOutcome(Status.ACCEPTED, eventId, metadata, List.of(), null);
    }

    static EventOutcome refused(String eventId, List<Violation> violations) {
        return new EventOutcome(Status.REFUSED, eventId, null, List.copyOf(violations), null);
    }

    static EventOutcome tooLarge(String eventId, Violation violation) {
        return new EventOutcome(Status.TOO_LARGE, eventId, null, List.of(violation), null);
    }

    static EventOutcome unavailable(String eventId, String error) {
        return new EventOutcome(Status.UNAVAILABLE, eventId, null, List.of(), error);
    }

    static EventOutcome failed(String eventId, String error) {
        return new EventOutcome(Status.FAILED, eventId, null, List.of(), error);
    }

    boolean isRefused() {
        return status == Status.REFUSED || status == Status.TOO_LARGE;
    }
}
