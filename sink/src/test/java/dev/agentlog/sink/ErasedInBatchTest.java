package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.MessageCreated;
import dev.agentlog.events.PayloadOpener;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.sink.internal.DecodedRecord;
import dev.agentlog.sink.internal.ErasedInBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch decoded at once, with an erasure in it: the erased subjects' sealed events after the erasure show nothing,
 * although they were opened (with a key read before the erasure), as a rebuild shows nothing of them; events before
 * it, other subjects' and events that were never sealed stay as they were.
 */
class ErasedInBatchTest {
    private final TestLog log = new TestLog();

    /** A sealed message.created as the log holds it; the test's opener gives back a message with its clear id. */
    private static String sealed(String messageId) {
        return "{\"message_id\":\"" + messageId + "\",\"role\":\"user\",\"$sealed\":{\"v\":1,\"subject\":\"agent-1\","
                + "\"ct\":\"AQAAAAE=\"}}";
    }

    @Test
    void shouldEraseTheSubjectsSealedEventsAfterItsErasureInTheSameBatch() {
        log.add("agent-1", EventType.MESSAGE_CREATED, sealed("m-before"));
        log.add("agent-1", EventType.SUBJECT_ERASED, "{\"requested_by\":\"ops\",\"agents\":[\"agent-1\"],"
                + "\"blocks\":[\"block-1\"],\"archives\":[]}");
        log.add("agent-1", EventType.MESSAGE_CREATED, sealed("m-after"));
        log.add("agent-1", EventType.MESSAGE_CREATED, "{\"message_id\":\"m-plain\",\"role\":\"user\"}");
        log.add("agent-2", EventType.MESSAGE_CREATED, "{\"message_id\":\"m-other\",\"role\":\"user\"}");
        List<String> forgotten = new ArrayList<>();
        EventCodec codec = EventCodec.standard().openingWith(new PayloadOpener() {
            @Override
            public ObjectNode open(String eventId, EventType type, ObjectNode payload) {
                ObjectNode plain = payload.deepCopy();
                plain.remove("$sealed");
                plain.putArray("content").addObject().put("type", "text").put("text", "secret");
                return plain;
            }

            @Override
            public void forget(Collection<String> subjects) {
                forgotten.addAll(subjects);
            }
        });
        List<DecodedRecord> batch = log.records().stream().map(r -> DecodedRecord.decode(r, codec)).toList();
        assertThat(batch.get(2).event().payload()).isInstanceOf(MessageCreated.class);

        List<DecodedRecord> out = ErasedInBatch.apply(batch, codec);

        assertThat(out.get(0).event().payload()).isInstanceOf(MessageCreated.class);
        assertThat(out.get(2).event().payload()).isInstanceOfSatisfying(SealedPayload.class,
                p -> assertThat(p.erased()).isTrue());
        assertThat(out.get(2).event().eventId()).isEqualTo(batch.get(2).event().eventId());
        assertThat(out.get(3)).isSameAs(batch.get(3));
        assertThat(out.get(4)).isSameAs(batch.get(4));
        assertThat(forgotten).containsExactly("agent-1", "block-1");
        assertThat(ErasedInBatch.apply(List.of(batch.get(0), batch.get(4)), codec)).containsExactly(batch.get(0),
                batch.get(4));
    }
}
