package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attached;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.streamSeq;
import static dev.agentlog.processor.TopologyHarness.header;
import static dev.agentlog.processor.TopologyHarness.text;
import static dev.agentlog.processor.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.RecordPosition;
import dev.agentlog.processor.internal.HeldRecord;
import dev.agentlog.processor.internal.StreamPositionKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the processor writes to the log of record: the input's bytes with the position set in them (parsed once, never
 * encoded again), the codec's encoding only for an upcast event; a held event released from what was kept with it.
 */
class ValueOfRecordTest {
    private static final String AGENT = "agent-1";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldKeepTheInputsBytesAndSetOnlyItsPosition() {
        String input = "{ \"payload\": {\"label\": \"h\\u00e9\", \"block_id\": \"b-1\", \"z_unknown\": [1.50, {}]},"
                + " \"type\":\"block.attached\" ,\"stream_id\" : \"agent-1\", \"schema_version\":1,"
                + "\"event_id\":\"e-1\",\n\"occurred_at\":\"2026-11-24T10:00:00+02:00\"}";
        String withSeq = attached("e-2", AGENT, 2L).replace("\"stream_seq\":2", "\"stream_seq\": 2 ");

        harness.send(AGENT, input);
        harness.send(AGENT, withSeq);

        List<TestRecord<byte[], byte[]>> passed = harness.eventsOfRecord();
        assertThat(text(passed.get(0).value())).isEqualTo(input.replace("\"stream_id\" : \"agent-1\"",
                "\"stream_id\" : \"agent-1\",\"stream_seq\":1"));
        assertThat(text(passed.get(1).value())).as("its own position, as it came").isEqualTo(withSeq);
    }

    @Test
    void shouldWriteAnUpcastEventAsTheCodecEncodesIt() {
        harness.send(AGENT, "{\"event_id\":\"e-1\",\"type\":\"message.created\",\"schema_version\":1,\"stream_id\":\"agent-1\","
                + "\"occurred_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"message_id\":\"m-1\",\"role\":\"user\",\"text\":\"hi\"}}");

        String ofRecord = text(harness.eventsOfRecord().get(0).value());

        assertThat(ofRecord).contains("\"schema_version\":2", "\"stream_seq\":1",
                "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]");
    }

    @Test
    void shouldReleaseAHeldEventFromItsKeptValueOfRecordWithoutDecodingItAgain() {
        harness.send(AGENT, attached("e-3", AGENT, 3L)); // held: position 2 is missing
        KeyValueStore<Bytes, byte[]> held = harness.driver.getKeyValueStore(ProcessorTopology.HELD_EVENTS_STORE);
        Bytes key = new StreamPositionKey(AGENT, 3).toBytes();
        HeldRecord kept = HeldRecord.fromBytes(held.get(key));
        // the value it came with no longer decodes: only what was kept with it can release it
        held.put(key, new HeldRecord(kept.eventId(), kept.tenant(), kept.heldSinceMs(), kept.timestamp(),
                kept.origin(), kept.key(), utf8("not an event"), kept.ofRecord(), kept.headers()).toBytes());

        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-2", AGENT, 2L));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-2@2", "e-3@3");
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Test
    void shouldReleaseAHeldEventKeptByTheFormerVersionByDecodingItsValue() throws IOException {
        KeyValueStore<Bytes, byte[]> held = harness.driver.getKeyValueStore(ProcessorTopology.HELD_EVENTS_STORE);
        held.put(new StreamPositionKey(AGENT, 2).toBytes(), formatOne("e-2", utf8(attached("e-2", AGENT, 2L))));
        // A former version's held events are in the store when the processor starts; written here behind the running
        // processor's back, they are known to it from its next gap check (a second on), as they would be at the start.
        harness.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));

        harness.send(AGENT, attached("e-1", AGENT, 1L));

        List<TestRecord<byte[], byte[]>> passed = harness.eventsOfRecord();
        assertThat(passed).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-2@2");
        assertThat(text(passed.get(1).value())).isEqualTo(attached("e-2", AGENT, 2L));
    }

    @Test
    void shouldNameTheRuleCodesOfARefusedRecord() {
        harness.send("agent-2", attached("e-1", AGENT));
        harness.send(AGENT, attached("e-2", AGENT).replace("\"label\":\"human\"", "\"label\":1"));

        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("invalid", "invalid");
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.RULE_CODES))
                .containsExactly("key_mismatch", "wrong_type");
    }

    /** A held record as the processor stored it before it kept the tenant and the value of record (format 1). */
    private static byte[] formatOne(String eventId, byte[] value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(eventId);
            out.writeLong(TopologyHarness.START.toEpochMilli());
            out.writeLong(TopologyHarness.START.toEpochMilli());
            out.writeBoolean(true);
            out.writeUTF(TopologyHarness.TOPICS.in());
            out.writeInt(0);
            out.writeLong(7);
            byte[] key = utf8(AGENT);
            out.writeInt(key.length);
            out.write(key);
            out.writeInt(value.length);
            out.write(value);
            out.writeInt(0);
        }
        // the layout this test writes is the one HeldRecord reads as format 1
        HeldRecord read = HeldRecord.fromBytes(bytes.toByteArray());
        assertThat(read.origin()).isEqualTo(new RecordPosition(TopologyHarness.TOPICS.in(), 0, 7));
        assertThat(read.ofRecord()).isNull();
        assertThat(read.headers().toArray()).isEqualTo(new RecordHeaders().toArray());
        return bytes.toByteArray();
    }
}
