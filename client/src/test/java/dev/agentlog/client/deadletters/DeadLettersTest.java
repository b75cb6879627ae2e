package dev.agentlog.client.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.RecordPosition;
import dev.agentlog.events.RefusedBy;
import dev.agentlog.events.Refusal;
import dev.agentlog.events.Topics;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * dlq list and replay over dead letters as every part writes them ({@link DeadLetterHeaders#of}), and as the versions
 * before rule codes wrote them. That the processor lets a replayed fix pass is shown end to end (PipelineEndToEndTest).
 */
class DeadLettersTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String AGENT = "agent-1";
    private static final Instant REFUSED_AT = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void shouldPrintDeadLetterAsJsonLineWithReasonRuleCodesOriginOwnHeadersAndOriginalValue() {
        String invalid = attached("e-2", AGENT, 1L).replace("\"label\":\"human\"", "\"label\":1");
        RecordHeaders own = new RecordHeaders();
        own.add("traceparent", utf8("00-abc-def-01"));

        ObjectNode line = DeadLetters.toJson(deadLetter(7, utf8(AGENT), utf8(invalid), refusalOf(invalid), own));

        assertThat(line.get("reason").asText()).isEqualTo("invalid");
        assertThat(line.get("rule").asText()).isEqualTo("payload.label: must be a string");
        assertThat(line.get("rule_codes").toString()).isEqualTo("[\"wrong_type\"]");
        assertThat(line.get("source_topic").asText()).isEqualTo(TOPICS.in());
        assertThat(line.get("source_partition").asLong()).isZero();
        assertThat(line.get("source_offset").asLong()).isEqualTo(41);
        assertThat(line.get("refused_at").asText()).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(line.get("refused_by").asText()).isEqualTo("processor");
        assertThat(line.get("key").asText()).isEqualTo(AGENT);
        assertThat(line.get("value").asText()).isEqualTo(invalid);
        assertThat(line.get("value_encoding").asText()).isEqualTo("utf8");
        assertThat(line.get("topic").asText()).isEqualTo(TOPICS.dlq());
        assertThat(line.get("offset").asLong()).isEqualTo(7);
        assertThat(line.get("headers").toString()).isEqualTo("{\"traceparent\":\"00-abc-def-01\"}");
    }

    @Test
    void shouldPrintNoRuleCodesForAReasonThatIsNoBrokenRule() {
        ObjectNode line = DeadLetters.toJson(deadLetter(0, utf8(AGENT), utf8(attached("e-1", AGENT, 1L)),
                Refusal.of(DeadLetterReason.CONFLICT, "stream_seq: position 1 is taken"), null));

        assertThat(line.get("reason").asText()).isEqualTo("conflict");
        assertThat(line.get("rule_codes").isNull()).isTrue();
        assertThat(line.get("headers").isEmpty()).isTrue();
    }

    @Test
    void shouldListAndFilterDeadLettersWrittenBeforeRuleCodesExisted() {
        // as the sink wrote them before: no rule codes, no headers of the record, its own reason words
        RecordHeaders sink = new RecordHeaders();
        DeadLetterHeaders.put(sink, DeadLetterHeaders.REASON, "invalid");
        DeadLetterHeaders.put(sink, DeadLetterHeaders.RULE, "type: unknown event type 'agent.exploded'");
        DeadLetterHeaders.put(sink, DeadLetterHeaders.SOURCE_TOPIC, TOPICS.events());
        DeadLetterHeaders.put(sink, DeadLetterHeaders.SOURCE_PARTITION, 3);
        DeadLetterHeaders.put(sink, DeadLetterHeaders.SOURCE_OFFSET, 12);
        DeadLetterHeaders.put(sink, DeadLetterHeaders.REFUSED_AT, "2026-11-30T08:00:00Z");
        DeadLetterHeaders.put(sink, DeadLetterHeaders.REFUSED_BY, "sink");
        // and a reason no version of this one knows
        RecordHeaders future = new RecordHeaders();
        DeadLetterHeaders.put(future, DeadLetterHeaders.REASON, "quarantined");
        List<ObjectNode> lines = List.of(
                DeadLetters.toJson(consumed(0, utf8("agent-old"), utf8("{\"stream_id\":\"agent-old\"}"), sink)),
                DeadLetters.toJson(consumed(1, null, utf8("{}"), future)));

        ObjectNode old = lines.get(0);
        assertThat(old.get("reason").asText()).isEqualTo("invalid");
        assertThat(old.get("rule").asText()).isEqualTo("type: unknown event type 'agent.exploded'");
        assertThat(old.get("rule_codes").isNull()).isTrue();
        assertThat(old.get("source_topic").asText()).isEqualTo(TOPICS.events());
        assertThat(old.get("source_partition").asLong()).isEqualTo(3);
        assertThat(old.get("source_offset").asLong()).isEqualTo(12);
        assertThat(old.get("refused_by").asText()).isEqualTo("sink");
        assertThat(old.get("headers").isEmpty()).isTrue();
        assertThat(lines.get(1).get("reason").asText()).isEqualTo("quarantined");
        assertThat(lines.get(1).get("rule").isNull()).isTrue();
        assertThat(lines.stream().filter(DeadLetterFilter.all().withReason("invalid").withStream("agent-old")::matches))
                .containsExactly(old);
        assertThat(lines.stream().filter(DeadLetterFilter.all().withReason("quarantined")::matches)).hasSize(1);
    }

    @Test
    void shouldPrintBytesThatAreNotUtf8AsBase64() {
        byte[] garbage = {(byte) 0xFF, (byte) 0xFE, 0, 42};

        ObjectNode line = DeadLetters.toJson(deadLetter(0, utf8(AGENT), garbage, refusalOf(garbage), null));

        assertThat(line.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(line.get("value").asText())).isEqualTo(garbage);
        assertThat(line.get("reason").asText()).isEqualTo("invalid");
        assertThat(line.get("rule_codes").toString()).isEqualTo("[\"not_json\"]");
    }

    @Test
    void shouldReplayAnEditedListedLineToTheInputTopicKeyedByItsStream() throws Exception {
        String conflicting = attached("e-2", AGENT, 1L);
        ObjectNode line = DeadLetters.toJson(deadLetter(3, utf8(AGENT), utf8(conflicting),
                Refusal.of(DeadLetterReason.CONFLICT, "stream_seq: position 1 is taken by event 'e-1'"), null));
        // The fix an operator makes for a conflict: drop stream_seq so that the processor appends the event.
        ObjectNode value = (ObjectNode) EventCodec.JSON.readTree(line.get("value").asText());
        value.remove("stream_seq");
        line.put("value", value.toString());

        List<ProducerRecord<byte[], byte[]>> records = DeadLetters.toRecords(TOPICS, List.of(line));

        ProducerRecord<byte[], byte[]> replayed = records.get(0);
        assertThat(replayed.topic()).isEqualTo(TOPICS.in());
        assertThat(text(replayed.key())).isEqualTo(AGENT);
        assertThat(text(replayed.value())).isEqualTo(value.toString());
        assertThat(DeadLetterHeaders.get(replayed.headers(), DeadLetters.REPLAYED_FROM))
                .isEqualTo(TOPICS.dlq() + "-0@3");
        assertThat(replayed.headers().lastHeader(DeadLetterHeaders.REASON)).isNull();
    }

    @Test
    void shouldAcceptTheValueAsAJsonObjectOrAsBase64() throws Exception {
        String event = attached("e-1", AGENT);
        ObjectNode asObject = EventCodec.JSON.createObjectNode();
        asObject.set("value", EventCodec.JSON.readTree(event));
        ObjectNode asBase64 = EventCodec.JSON.createObjectNode().put("value_encoding", "base64")
                .put("value", Base64.getEncoder().encodeToString(utf8(event)));

        List<ProducerRecord<byte[], byte[]>> records = DeadLetters.toRecords(TOPICS, List.of(asObject, asBase64));

        assertThat(records).extracting(r -> EventCodec.JSON.readTree(r.value()).get("event_id").asText())
                .containsExactly("e-1", "e-1");
        assertThat(records.get(1).value()).isEqualTo(utf8(event));
    }

    @Test
    void shouldRefuseTheWholeReplayNamingEveryBadLine() throws Exception {
        ObjectNode good = EventCodec.JSON.createObjectNode().put("value", attached("e-1", AGENT));
        ObjectNode invalid = EventCodec.JSON.createObjectNode().put("value", attached("e-2", AGENT)
                .replace("\"label\":\"human\"", "\"label\":1"));
        ObjectNode empty = EventCodec.JSON.createObjectNode();

        assertThatThrownBy(() -> DeadLetters.toRecords(TOPICS, Arrays.asList(good, null, invalid, empty)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("nothing was replayed")
                .hasMessageContaining("line 3: payload.label")
                .hasMessageContaining("line 4: has no value");
    }

    @Test
    void shouldRefuseJsonLinesThatDoNotParseBeforeConnecting() {
        BufferedReader lines = new BufferedReader(new StringReader("{\"value\":\"x\"}\n\nnot json\n[1]\n"));

        assertThatThrownBy(() -> DeadLetters.replay("unreachable:1", TOPICS, lines))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3: is not valid JSON")
                .hasMessageContaining("line 4: must be a JSON object");
    }

    @Test
    void shouldSendReplayedRecordsAndCountTheAcknowledged() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        List<ProducerRecord<byte[], byte[]>> records = DeadLetters.toRecords(TOPICS,
                List.of(EventCodec.JSON.createObjectNode().put("value", attached("e-1", AGENT))));

        assertThat(DeadLetters.send(producer, records)).isEqualTo(1);
        assertThat(producer.history()).extracting(r -> text(r.key())).containsExactly(AGENT);
    }

    @Test
    void shouldSelectDeadLettersByReasonAndByStream() {
        String conflicting = attached("e-2", AGENT, 1L);
        String unknownType = attached("e-3", "agent-2").replace("block.attached", "block.exploded");
        String keyless = attached("e-4", "agent-3");
        List<ObjectNode> lines = List.of(
                DeadLetters.toJson(deadLetter(0, utf8(AGENT), utf8(conflicting),
                        Refusal.of(DeadLetterReason.CONFLICT, "taken"), null)),
                DeadLetters.toJson(deadLetter(1, utf8("agent-2"), utf8(unknownType), refusalOf(unknownType), null)),
                DeadLetters.toJson(deadLetter(2, null, utf8(keyless), Refusal.of(new InvalidEventException("key",
                        dev.agentlog.events.RuleCode.KEY_MISMATCH, "must be the event's stream_id")), null)));

        assertThat(lines.stream().filter(DeadLetterFilter.all().withReason("conflict")::matches))
                .extracting(l -> l.get("offset").asLong()).containsExactly(0L);
        assertThat(lines.stream().filter(DeadLetterFilter.all().withStream("agent-2")::matches))
                .extracting(l -> l.get("reason").asText()).containsExactly("unknown_type");
        assertThat(lines.stream().filter(DeadLetterFilter.all().withStream("agent-3")::matches))
                .extracting(l -> l.get("reason").asText()).containsExactly("invalid");
        assertThat(lines.stream().filter(DeadLetterFilter.all().withReason("gap").withStream(AGENT)::matches))
                .isEmpty();
    }

    @Test
    void shouldListFromTheBeginningToTheEndOffsetsOfEveryPartition() {
        String dlq = TOPICS.dlq();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(dlq, List.of(new PartitionInfo(dlq, 0, node, null, null),
                new PartitionInfo(dlq, 1, node, null, null)));
        TopicPartition p0 = new TopicPartition(dlq, 0);
        TopicPartition p1 = new TopicPartition(dlq, 1);
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        consumer.updateEndOffsets(Map.of(p0, 2L, p1, 0L));
        consumer.schedulePollTask(() -> {
            consumer.addRecord(deadLetter(dlq, 0, 0, "conflict"));
            consumer.addRecord(deadLetter(dlq, 0, 1, "gap"));
            consumer.addRecord(deadLetter(dlq, 0, 2, "written after the listing started"));
        });
        List<ObjectNode> out = new ArrayList<>();

        long emitted = DeadLetters.list(consumer, dlq, DeadLetterFilter.all(), out::add);

        assertThat(emitted).isEqualTo(2);
        assertThat(out).extracting(l -> l.get("reason").asText()).containsExactly("conflict", "gap");
    }

    @Test
    void shouldSayWhatToCheckWhenTheDeadLetterTopicIsMissing() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

        assertThatThrownBy(() -> DeadLetters.list(consumer, "nope.events.dlq", DeadLetterFilter.all(), l -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nope.events.dlq does not exist")
                .hasMessageContaining("--topic-prefix");
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(String topic, int partition, long offset, String reason) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetterHeaders.put(headers, DeadLetterHeaders.REASON, reason);
        return new ConsumerRecord<>(topic, partition, offset, 0L, TimestampType.CREATE_TIME, -1, -1, utf8(AGENT),
                utf8("{}"), headers, Optional.empty());
    }

    /** A block.attached event of an agent stream, as JSON text. */
    private static String attached(String eventId, String streamId, Long streamSeq) {
        return """
            {"event_id":"%s","type":"block.attached","schema_version":1,"stream_id":"%s",%s\
            "occurred_at":"2026-11-24T10:00:00Z","payload":{"block_id":"block-%s","label":"human"}}"""
                .formatted(eventId, streamId, streamSeq == null ? "" : "\"stream_seq\":" + streamSeq + ",", eventId);
    }

    private static String attached(String eventId, String streamId) {
        return attached(eventId, streamId, null);
    }

    private static Refusal refusalOf(String value) {
        return refusalOf(utf8(value));
    }

    /** Why the codec refuses the value, as the processor says it. */
    private static Refusal refusalOf(byte[] value) {
        try {
            EventCodec.standard().decode(value);
        } catch (InvalidEventException e) {
            return Refusal.of(e);
        }
        throw new AssertionError("the codec takes " + text(value));
    }

    /** A dead letter as every part writes it, of a record read at events.in-0@41, as consumed from offset. */
    private static ConsumerRecord<byte[], byte[]> deadLetter(long offset, byte[] key, byte[] value, Refusal refusal,
            Headers own) {
        return consumed(offset, key, value, DeadLetterHeaders.of(own, refusal, new RecordPosition(TOPICS.in(), 0, 41),
                REFUSED_AT, RefusedBy.PROCESSOR));
    }

    private static ConsumerRecord<byte[], byte[]> consumed(long offset, byte[] key, byte[] value, Headers headers) {
        return new ConsumerRecord<>(TOPICS.dlq(), 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1, key, value,
                headers, Optional.empty());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
