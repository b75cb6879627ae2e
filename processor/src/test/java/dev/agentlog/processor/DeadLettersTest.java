package dev.agentlog.processor;

import static dev.agentlog.processor.TestEvents.attached;
import static dev.agentlog.processor.TestEvents.eventId;
import static dev.agentlog.processor.TestEvents.streamSeq;
import static dev.agentlog.processor.TopologyHarness.TOPICS;
import static dev.agentlog.processor.TopologyHarness.text;
import static dev.agentlog.processor.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.EventCodec;
import java.io.BufferedReader;
import java.io.StringReader;
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
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final String AGENT = "agent-1";

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldPrintDeadLetterAsJsonLineWithReasonRuleOriginAndOriginalValue() {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        String intruder = attached("e-2", AGENT, 1L);
        harness.send(AGENT, intruder);

        ObjectNode line = DeadLetters.toJson(asConsumed(harness.deadLetters().get(0), 7));

        assertThat(line.get("reason").asText()).isEqualTo("conflict");
        assertThat(line.get("rule").asText()).contains("'e-1'", "'e-2'");
        assertThat(line.get("source_topic").asText()).isEqualTo(TOPICS.in());
        assertThat(line.get("source_partition").asLong()).isZero();
        assertThat(line.get("source_offset").asLong()).isEqualTo(1);
        assertThat(line.get("refused_by").asText()).isEqualTo("processor");
        assertThat(line.get("key").asText()).isEqualTo(AGENT);
        assertThat(line.get("value").asText()).isEqualTo(intruder);
        assertThat(line.get("value_encoding").asText()).isEqualTo("utf8");
        assertThat(line.get("topic").asText()).isEqualTo(TOPICS.dlq());
        assertThat(line.get("offset").asLong()).isEqualTo(7);
        assertThat(line.get("headers").isEmpty()).isTrue();
    }

    @Test
    void shouldPrintBytesThatAreNotUtf8AsBase64() {
        byte[] garbage = {(byte) 0xFF, (byte) 0xFE, 0, 42};
        harness.sendRaw(utf8(AGENT), garbage);

        ObjectNode line = DeadLetters.toJson(asConsumed(harness.deadLetters().get(0), 0));

        assertThat(line.get("value_encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(line.get("value").asText())).isEqualTo(garbage);
        assertThat(line.get("reason").asText()).isEqualTo("invalid");
    }

    @Test
    void shouldReplayAnEditedListedLineSoThatItPassesTheProcessor() throws Exception {
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-2", AGENT, 1L));
        harness.eventsOfRecord();
        ObjectNode line = DeadLetters.toJson(asConsumed(harness.deadLetters().get(0), 3));
        // The fix an operator makes for a conflict: drop stream_seq so that the processor appends the event.
        ObjectNode value = (ObjectNode) EventCodec.JSON.readTree(line.get("value").asText());
        value.remove("stream_seq");
        line.put("value", value.toString());

        List<ProducerRecord<byte[], byte[]>> records = DeadLetters.toRecords(TOPICS, List.of(line));
        ProducerRecord<byte[], byte[]> replayed = records.get(0);
        assertThat(replayed.topic()).isEqualTo(TOPICS.in());
        assertThat(text(replayed.key())).isEqualTo(AGENT);
        assertThat(DeadLetterHeaders.get(replayed.headers(), DeadLetters.REPLAYED_FROM))
                .isEqualTo(TOPICS.dlq() + "-0@3");
        harness.sendRaw(replayed.key(), replayed.value());

        List<TestRecord<byte[], byte[]>> passed = harness.eventsOfRecord();
        assertThat(passed).extracting(r -> eventId(r.value()) + "@" + streamSeq(r.value())).containsExactly("e-2@2");
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Test
    void shouldAcceptTheValueAsAJsonObjectOrAsBase64() throws Exception {
        String event = attached("e-1", AGENT);
        ObjectNode asObject = EventCodec.JSON.createObjectNode();
        asObject.set("value", EventCodec.JSON.readTree(event));
        ObjectNode asBase64 = EventCodec.JSON.createObjectNode().put("value_encoding", "base64")
                .put("value", Base64.getEncoder().encodeToString(utf8(event)));

        List<ProducerRecord<byte[], byte[]>> records = DeadLetters.toRecords(TOPICS, List.of(asObject, asBase64));

        assertThat(records).extracting(r -> eventId(r.value())).containsExactly("e-1", "e-1");
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
        harness.send(AGENT, attached("e-1", AGENT, 1L));
        harness.send(AGENT, attached("e-2", AGENT, 1L));
        harness.send("agent-2", attached("e-3", "agent-2").replace("block.attached", "block.exploded"));
        harness.sendRaw(null, utf8(attached("e-4", "agent-3")));
        List<ObjectNode> lines = new ArrayList<>();
        List<TestRecord<byte[], byte[]>> dead = harness.deadLetters();
        for (int i = 0; i < dead.size(); i++) {
            lines.add(DeadLetters.toJson(asConsumed(dead.get(i), i)));
        }

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

    private static ConsumerRecord<byte[], byte[]> asConsumed(TestRecord<byte[], byte[]> record, long offset) {
        return new ConsumerRecord<>(TOPICS.dlq(), 0, offset, record.timestamp(), TimestampType.CREATE_TIME, -1, -1,
                record.key(), record.value(), record.headers(), Optional.empty());
    }
}
