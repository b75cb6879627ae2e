package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attached;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.parse;
import static dev.agentlog.processor.TestEvents.streamSeq;
import static dev.agentlog.processor.TopologyHarness.header;
import static dev.agentlog.processor.TopologyHarness.text;
import static dev.agentlog.processor.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.EventType;
import dev.agentlog.events.Upcasters;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessorTopologyTest {
    private static final String AGENT = "agent-1";

    private TopologyHarness harness = new TopologyHarness();

    private static long count(KeyValueStore<?, ?> store) {
        long count = 0;
        try (KeyValueIterator<?, ?> all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldDropDuplicateWhenEventIdPassedBefore() {
        harness.send(AGENT, attached("e-1", AGENT));
        harness.send(AGENT, attached("e-1", AGENT));
        harness.send(AGENT, attached("e-1", AGENT, 1L));

        assertThat(harness.eventsOfRecord()).hasSize(1);
        assertThat(harness.deadLetters()).isEmpty();
        assertThat(harness.counter(ProcessorMetrics.DUPLICATES)).isEqualTo(2);
        assertThat(harness.counter(ProcessorMetrics.PASSED)).isEqualTo(1);
    }

    @Test
    void shouldStampNextPositionWhenStreamSeqIsAbsent() {
        harness.send(AGENT, attached("e-1", AGENT));
        harness.send(AGENT, attached("e-2", AGENT));
        harness.send("agent-2", attached("e-3", "agent-2"));

        List<TestRecord<byte[], byte[]>> out = harness.eventsOfRecord();
        assertThat(out).extracting(r -> streamSeq(r.value())).containsExactly(1L, 2L, 1L);
        assertThat(out).extracting(r -> text(r.key())).containsExactly(AGENT, AGENT, "agent-2");
    }

    @Test
    void shouldPassEventWhoseStreamSeqIsTheNextPosition() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-2", AGENT, 2L));
        harness.send(AGENT, attached("e-3", AGENT));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-2@2", "e-3@3");
    }

    @Test
    void shouldDropDuplicateWhenPositionRepeatsWithSameEventId() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-2", AGENT, 2L));
        harness.send(AGENT, attached("e-1", AGENT, 1L));

        assertThat(harness.eventsOfRecord()).hasSize(2);
        assertThat(harness.deadLetters()).isEmpty();
        assertThat(harness.counter(ProcessorMetrics.DUPLICATES)).isEqualTo(1);
    }

    @Test
    void shouldSendConflictToDeadLetterTopicNamingBothEventIds() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        String intruder = attached("e-other", AGENT, 1L);
        harness.send(AGENT, intruder);

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value())).containsExactly("e-1");
        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(text(dead.value())).isEqualTo(intruder);
        assertThat(text(dead.key())).isEqualTo(AGENT);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("conflict");
        assertThat(header(dead, DeadLetterHeaders.RULE)).contains("'e-1'", "'e-other'", "position 1");
        assertThat(harness.counter(ProcessorMetrics.CONFLICTS)).isEqualTo(1);
        assertThat(harness.deadLettered(DeadLetterReason.CONFLICT)).isEqualTo(1);
    }

    @Test
    void shouldSendConflictWhenHeldPositionIsClaimedByAnotherEvent() {
        harness.send(AGENT, attached("e-3", AGENT, 3L));
        harness.send(AGENT, attached("e-3-other", AGENT, 3L));
        harness.send(AGENT, attached("e-3", AGENT, 3L));

        assertThat(harness.eventsOfRecord()).isEmpty();
        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("conflict");
        assertThat(header(dead, DeadLetterHeaders.RULE)).contains("'e-3'", "'e-3-other'");
        assertThat(harness.counter(ProcessorMetrics.DUPLICATES)).isEqualTo(1);
    }

    @Test
    void shouldHoldEventsAheadOfGapAndReleaseThemInOrderWhenGapFills() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-4", AGENT, 4L));
        harness.send(AGENT, attached("e-3", AGENT, 3L));
        harness.send(AGENT, attached("e-6", AGENT, 6L));
        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value())).containsExactly("e-1");
        assertThat(harness.waiting()).isEqualTo(3);

        harness.send(AGENT, attached("e-2", AGENT, 2L));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-2@2", "e-3@3", "e-4@4");
        assertThat(harness.waiting()).isEqualTo(1);
        harness.send(AGENT, attached("e-5", AGENT, 5L));
        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value())).containsExactly("e-5", "e-6");
        assertThat(harness.waiting()).isZero();
        assertThat(harness.counter(ProcessorMetrics.HELD)).isEqualTo(3);
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Test
    void shouldSendHeldEventsToDeadLetterTopicWhenGapTimesOutAndContinueTheStream() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        String fourth = attached("e-4", AGENT, 4L);
        harness.send(AGENT, fourth);
        harness.send(AGENT, attached("e-5", AGENT, 5L));
        harness.driver.advanceWallClockTime(Duration.ofMillis(TopologyHarness.GAP_TIMEOUT_MS - 1_000));
        assertThat(harness.deadLetters()).isEmpty();

        harness.driver.advanceWallClockTime(Duration.ofMillis(2_000));

        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters();
        assertThat(dead).extracting(r -> eventId(r.value())).containsExactly("e-4", "e-5");
        assertThat(text(dead.get(0).value())).isEqualTo(fourth);
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).isEqualTo("gap");
        assertThat(header(dead.get(0), DeadLetterHeaders.RULE)).contains("missing position(s) 2-3",
                "continues at position 6");
        assertThat(harness.counter(ProcessorMetrics.GAPS_EXPIRED)).isEqualTo(1);
        assertThat(harness.waiting()).isZero();

        harness.send(AGENT, attached("e-6", AGENT, 6L));
        harness.send(AGENT, attached("e-7", AGENT));
        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-6@6", "e-7@7");

        harness.send(AGENT, attached("e-2", AGENT, 2L));
        harness.send(AGENT, attached("e-4", AGENT, 4L));
        List<TestRecord<byte[], byte[]>> late = harness.deadLetters();
        assertThat(late).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("conflict", "conflict");
        assertThat(header(late.get(1), DeadLetterHeaders.RULE)).contains("given up", "'e-4'");
        assertThat(harness.eventsOfRecord()).isEmpty();
    }

    @Test
    void shouldLetAnEventWithoutStreamSeqTakeTheNextPositionEvenWhenAGapIsOpen() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-3", AGENT, 3L));
        harness.send(AGENT, attached("unsequenced", AGENT));
        harness.send(AGENT, attached("e-2", AGENT, 2L));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "unsequenced@2", "e-3@3");
        TestRecord<byte[], byte[]> late = harness.deadLetters().get(0);
        assertThat(header(late, DeadLetterHeaders.REASON)).isEqualTo("conflict");
        assertThat(header(late, DeadLetterHeaders.RULE)).contains("'unsequenced'", "'e-2'");
    }

    @Test
    void shouldSendUnknownTypeToDeadLetterTopic() {
        String unknown = attached("e-1", AGENT).replace("block.attached", "block.teleported");
        harness.send(AGENT, unknown);

        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("unknown_type");
        assertThat(header(dead, DeadLetterHeaders.RULE)).contains("block.teleported");
        assertThat(text(dead.value())).isEqualTo(unknown);
        assertThat(harness.eventsOfRecord()).isEmpty();
    }

    @Test
    void shouldSendNewerSchemaVersionToDeadLetterTopic() {
        harness.send(AGENT, attached("e-1", AGENT).replace("\"schema_version\":1", "\"schema_version\":7"));

        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("unsupported_version");
        assertThat(header(dead, DeadLetterHeaders.RULE)).contains("schema_version", "7");
        assertThat(harness.deadLettered(DeadLetterReason.UNSUPPORTED_VERSION)).isEqualTo(1);
    }

    @Test
    void shouldUpcastLegacyMessageCreatedToTheCurrentVersion() {
        harness.send(AGENT, """
            {"event_id":"m-1","type":"message.created","schema_version":1,"stream_id":"agent-1",
             "occurred_at":"2026-11-24T10:00:00Z","payload":{"message_id":"message-1","role":"user","text":"hello"}}""");

        ObjectNode ofRecord = parse(harness.eventsOfRecord().get(0).value());
        assertThat(ofRecord.get("schema_version").asInt()).isEqualTo(EventType.MESSAGE_CREATED.currentVersion())
                .isEqualTo(2);
        assertThat(ofRecord.at("/payload/content/0/type").asText()).isEqualTo("text");
        assertThat(ofRecord.at("/payload/content/0/text").asText()).isEqualTo("hello");
        assertThat(ofRecord.get("payload").has("text")).isFalse();
        assertThat(ofRecord.get("stream_seq").asLong()).isEqualTo(1);
    }

    @Test
    void shouldSendMalformedJsonToDeadLetterTopicWithOriginalBytesAndOrigin() {
        byte[] garbage = {'{', '"', 'e', (byte) 0xC3, (byte) 0x28, 0, 1};
        harness.sendRaw(utf8(AGENT), garbage);

        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.key()).isEqualTo(utf8(AGENT));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("invalid");
        assertThat(header(dead, DeadLetterHeaders.RULE)).startsWith("$: is not valid JSON");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(TopologyHarness.TOPICS.in());
        assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead, DeadLetterHeaders.REFUSED_BY)).isEqualTo("processor");
        assertThat(header(dead, DeadLetterHeaders.REFUSED_AT)).startsWith("2026-11-24T10:00:00");
    }

    @Test
    void shouldPassGoodEventsAroundABadOne() {
        harness.send(AGENT, attached("e-1", AGENT));
        harness.send(AGENT, attached("e-bad", AGENT).replace("\"label\":\"human\"", "\"label\":42"));
        harness.sendRaw(utf8(AGENT), null);
        harness.send(AGENT, attached("e-2", AGENT));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-2@2");
        assertThat(harness.deadLetters()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("invalid", "invalid");
    }

    @Test
    void shouldSendRecordKeyedByAnotherStreamToDeadLetterTopic() {
        harness.send("agent-2", attached("e-1", AGENT));

        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("invalid");
        assertThat(header(dead, DeadLetterHeaders.RULE)).startsWith("key:").contains("'agent-1'", "'agent-2'");
        assertThat(harness.eventsOfRecord()).isEmpty();
    }

    @Test
    void shouldNoLongerRecognizeDuplicateArrivingAfterTheRetention() {
        harness.close();
        harness = new TopologyHarness(EventCodec.standard(), s -> s.withDedupeRetentionMs(60_000));
        harness.send(AGENT, attached("e-1", AGENT));
        harness.driver.advanceWallClockTime(Duration.ofSeconds(59));
        harness.send(AGENT, attached("e-1", AGENT));
        harness.driver.advanceWallClockTime(Duration.ofSeconds(2));
        harness.send(AGENT, attached("e-1", AGENT));

        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value()))
                .containsExactly("e-1@1", "e-1@2");
    }

    @Test
    void shouldPurgeRememberedEventIdsOnceTheyArePastTheRetention() {
        harness.close();
        harness = new TopologyHarness(EventCodec.standard(), s -> s.withDedupeRetentionMs(60_000));
        KeyValueStore<String, byte[]> eventIds = harness.driver.getKeyValueStore(ProcessorTopology.EVENT_IDS_STORE);
        KeyValueStore<Bytes, byte[]> owners = harness.driver.getKeyValueStore(ProcessorTopology.POSITION_OWNERS_STORE);
        harness.send(AGENT, attached("e-1", AGENT));
        harness.driver.advanceWallClockTime(Duration.ofSeconds(30));
        harness.send(AGENT, attached("e-2", AGENT));
        harness.driver.advanceWallClockTime(Duration.ofSeconds(29));
        assertThat(eventIds.get("e-1")).isNotNull();

        harness.driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(eventIds.get("e-1")).isNull();
        assertThat(eventIds.get("e-2")).isNotNull();
        assertThat(count(owners)).isEqualTo(1);
        // e-2's event id and position owner, in the one chunk of the index of the second e-2 passed in
        assertThat(count(harness.driver.getKeyValueStore(ProcessorTopology.EXPIRY_INDEX_STORE))).isEqualTo(1);
    }

    @Test
    void shouldStillPurgeIndexEntriesOfOneKeyWrittenBeforeChunks() {
        harness.close();
        harness = new TopologyHarness(EventCodec.standard(), s -> s.withDedupeRetentionMs(60_000));
        KeyValueStore<String, byte[]> eventIds = harness.driver.getKeyValueStore(ProcessorTopology.EVENT_IDS_STORE);
        KeyValueStore<Bytes, byte[]> index = harness.driver.getKeyValueStore(ProcessorTopology.EXPIRY_INDEX_STORE);
        long then = TopologyHarness.START.toEpochMilli();
        // as a processor of before chunks left them: (position, time) and the index entry (time, 'E', event id)
        eventIds.put("old-1", java.nio.ByteBuffer.allocate(16).putLong(1).putLong(then).array());
        index.put(Bytes.wrap(java.nio.ByteBuffer.allocate(9 + 5).putLong(then).put((byte) 'E').put(utf8("old-1"))
                .array()), new byte[0]);
        harness.driver.advanceWallClockTime(Duration.ofSeconds(10));
        harness.send(AGENT, attached("e-1", AGENT));
        harness.driver.advanceWallClockTime(Duration.ofSeconds(50).plusMillis(1));

        assertThat(eventIds.get("old-1")).isNull();
        assertThat(eventIds.get("e-1")).isNotNull();
        assertThat(count(index)).isEqualTo(1); // e-1's chunk

        harness.driver.advanceWallClockTime(Duration.ofSeconds(11));

        assertThat(eventIds.get("e-1")).isNull();
        assertThat(count(index)).isZero();
    }

    @Test
    void shouldRouteUnexpectedProcessingFailureToDeadLetterTopicAsPoison() {
        harness.close();
        Upcasters failing = new Upcasters().register(EventType.MESSAGE_CREATED, 1, payload -> {
            throw new IllegalStateException("upcaster bug");
        });
        harness = new TopologyHarness(new EventCodec(failing), s -> s);
        String legacy = """
            {"event_id":"m-1","type":"message.created","schema_version":1,"stream_id":"agent-1",
             "occurred_at":"2026-11-24T10:00:00Z","payload":{"message_id":"message-1","role":"user","text":"hi"}}""";
        harness.send(AGENT, legacy);
        harness.send(AGENT, attached("e-2", AGENT));

        TestRecord<byte[], byte[]> dead = harness.deadLetters().get(0);
        assertThat(text(dead.value())).isEqualTo(legacy);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("poison");
        assertThat(header(dead, DeadLetterHeaders.RULE)).contains("upcaster bug");
        assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(harness.eventsOfRecord()).extracting(r -> eventId(r.value())).containsExactly("e-2");
        assertThat(harness.deadLettered(DeadLetterReason.POISON)).isEqualTo(1);
    }
}
