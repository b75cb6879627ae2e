package dev.agentlog.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Violation;
import dev.agentlog.processor.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class InternalsTest {

    @Test
    void shouldOrderStoreKeysByStreamThenPositionWithoutPrefixClashes() {
        List<Bytes> keys = Stream.of(new StreamPositionKey("a", 10), new StreamPositionKey("ab", 1),
                new StreamPositionKey("a", 2), new StreamPositionKey("a", 300))
                .map(StreamPositionKey::toBytes).sorted().toList();

        assertThat(keys).extracting(StreamPositionKey::fromBytes).containsExactly(new StreamPositionKey("a", 2),
                new StreamPositionKey("a", 10), new StreamPositionKey("a", 300), new StreamPositionKey("ab", 1));
    }

    @Test
    void shouldKeepEveryPartOfAHeldRecordThroughTheStore() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        HeldRecord held = new HeldRecord("e-1", 5, 6, new Origin("agentlog.events.in", 3, 1207), null,
                "{}".getBytes(StandardCharsets.UTF_8), headers);

        HeldRecord back = HeldRecord.fromBytes(held.toBytes());

        assertThat(back.eventId()).isEqualTo("e-1");
        assertThat(back.heldSinceMs()).isEqualTo(5);
        assertThat(back.timestamp()).isEqualTo(6);
        assertThat(back.origin()).isEqualTo(new Origin("agentlog.events.in", 3, 1207));
        assertThat(back.key()).isNull();
        assertThat(back.value()).isEqualTo("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(back.headers().lastHeader("traceparent").value()).isEqualTo("00-abc".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldClassifyUnknownTypeBeforeAnyOtherViolation() {
        InvalidEventException e = new InvalidEventException(List.of(new Violation("event_id", "is required"),
                new Violation("type", "unknown event type 'x.y'")));

        assertThat(FailureClassifier.reasonOf(e)).isEqualTo(DeadLetterReason.UNKNOWN_TYPE);
    }

    @Test
    void shouldClassifyNewerVersionAsUnsupportedAndTheRestAsInvalid() {
        assertThat(FailureClassifier.reasonOf(new InvalidEventException("schema_version",
                "9 is newer than the newest known for agent.created (1)"))).isEqualTo(DeadLetterReason.UNSUPPORTED_VERSION);
        assertThat(FailureClassifier.reasonOf(new InvalidEventException("schema_version", "must be >= 1, was 0")))
                .isEqualTo(DeadLetterReason.INVALID);
        assertThat(FailureClassifier.reasonOf(new InvalidEventException("$", "is not valid JSON: x")))
                .isEqualTo(DeadLetterReason.INVALID);
    }

    @Test
    void shouldNameMissingPositionsAsRanges() {
        List<KeyValue<Long, HeldRecord>> held = Stream.of(6L, 9L, 10L, 12L).map(p -> KeyValue.pair(p, (HeldRecord) null))
                .toList();

        assertThat(EventOfRecordProcessor.missingPositions(4, held)).isEqualTo("5, 7-8, 11");
    }

    @Test
    void shouldCheckGapsOftenEnoughButNotTooOften() {
        assertThat(EventOfRecordProcessor.punctuationInterval(30_000).toMillis()).isEqualTo(1_000);
        assertThat(EventOfRecordProcessor.punctuationInterval(200).toMillis()).isEqualTo(50);
        assertThat(EventOfRecordProcessor.punctuationInterval(1).toMillis()).isEqualTo(10);
    }
}
