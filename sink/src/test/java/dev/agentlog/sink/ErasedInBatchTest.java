package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.sink.internal.DecodedRecord;
import dev.agentlog.sink.internal.ErasedInBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch decoded at once, with an erasure in it: the erased subjects' events after the erasure show nothing, even when
 * they were opened (with a key read before the erasure); events before it, and other subjects', stay as they were.
 */
class ErasedInBatchTest {
    private final TestLog log = new TestLog();

    @Test
    void shouldEraseTheSubjectsEventsAfterItsErasureInTheSameBatch() {
        String message = "{\"message_id\":\"%s\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}";
        log.add("agent-1", EventType.MESSAGE_CREATED, message.formatted("m-before"));
        log.add("agent-1", EventType.SUBJECT_ERASED, "{\"requested_by\":\"ops\",\"agents\":[\"agent-1\"],"
                + "\"blocks\":[\"block-1\"],\"archives\":[]}");
        log.add("agent-1", EventType.MESSAGE_CREATED, message.formatted("m-after"));
        log.add("block-1", EventType.BLOCK_CREATED, "{\"label\":\"human\",\"value\":\"after\"}");
        log.add("agent-2", EventType.MESSAGE_CREATED, message.formatted("m-other"));
        List<String> forgotten = new ArrayList<>();
        EventCodec codec = EventCodec.standard().openingWith(new dev.agentlog.events.PayloadOpener() {
            @Override
            public com.fasterxml.jackson.databind.node.ObjectNode open(String eventId, EventType type,
                    com.fasterxml.jackson.databind.node.ObjectNode payload) {
                throw new AssertionError("nothing is sealed here");
            }

            @Override
            public void forget(java.util.Collection<String> subjects) {
                forgotten.addAll(subjects);
            }
        });
        List<DecodedRecord> batch = log.records().stream().map(r -> DecodedRecord.decode(r, codec)).toList();

        List<DecodedRecord> out = ErasedInBatch.apply(batch, codec);

        assertThat(out.get(0).event().payload()).isInstanceOf(MessageCreated.class);
        assertThat(out.get(2).event().payload()).isInstanceOfSatisfying(SealedPayload.class,
                p -> assertThat(p.erased()).isTrue());
        assertThat(out.get(3).event().payload()).isInstanceOf(SealedPayload.class);
        assertThat(out.get(4).event().payload()).isInstanceOf(MessageCreated.class);
        assertThat(out.get(2).event().eventId()).isEqualTo(batch.get(2).event().eventId());
        assertThat(forgotten).containsExactly("agent-1", "block-1");
        assertThat(ErasedInBatch.apply(List.of(batch.get(0), batch.get(4)), codec)).isEqualTo(List.of(batch.get(0),
                batch.get(4)));
    }
}
