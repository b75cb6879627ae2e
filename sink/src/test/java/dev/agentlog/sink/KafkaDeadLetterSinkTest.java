package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The sink's dead letters are made as the processor's are: the record as it was, plus the same headers. */
class KafkaDeadLetterSinkTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final KafkaDeadLetterSink sink = new KafkaDeadLetterSink(producer, "agentlog.events.dlq",
            Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void shouldKeepTheRecordsKeyValueTimestampAndHeadersAndAddWhyWhereWhenAndWho() throws Exception {
        RecordHeaders own = new RecordHeaders();
        own.add("traceparent", utf8("00-abc"));
        byte[] value = utf8("{\"event_id\":\"x\",\"type\":\"agent.exploded\"}");
        SinkRecord record = new SinkRecord("agentlog.events", 3, 12, utf8("agent-1"), value, 1_700_000_000_000L, own);

        sink.send(List.of(new DeadLetter(record, refusalOf(value))));

        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertThat(letter.topic()).isEqualTo("agentlog.events.dlq");
        assertThat(letter.key()).isEqualTo(utf8("agent-1"));
        assertThat(letter.value()).isEqualTo(value);
        assertThat(letter.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(DeadLetterHeaders.get(letter.headers(), "traceparent")).isEqualTo("00-abc");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("unknown_type");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.RULE)).contains("unknown event type");
        assertThat(DeadLetterHeaders.ruleCodes(letter.headers())).contains("unknown_type", "required");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("agentlog.events");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("12");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REFUSED_AT)).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REFUSED_BY)).isEqualTo("sink");
    }

    @Test
    void shouldCutARuleLongerThanAHeaderShouldBeAndLeaveTheTimestampToTheBrokerWhenThereIsNone() throws Exception {
        SinkRecord record = new SinkRecord("agentlog.events", 0, 1, null, utf8("{}"));

        sink.send(List.of(new DeadLetter(record, Refusal.of(DeadLetterReason.POISON, "x".repeat(10_000)))));

        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.RULE))
                .hasSize(DeadLetterHeaders.MAX_RULE_CHARS + "... (cut)".length()).endsWith("... (cut)");
        assertThat(letter.headers().lastHeader(DeadLetterHeaders.RULE_CODES)).isNull();
        assertThat(letter.timestamp()).isNull();
    }

    private static Refusal refusalOf(byte[] value) {
        try {
            EventCodec.standard().decode(value);
        } catch (InvalidEventException e) {
            return Refusal.of(e);
        }
        throw new AssertionError("the codec takes it");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
