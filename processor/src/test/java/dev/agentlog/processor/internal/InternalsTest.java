package dev.agentlog.processor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.RecordPosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
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
        headers.add("traceparent", utf8("00-abc"));
        RecordPosition origin = new RecordPosition("agentlog.events.in", 3, 1207);
        HeldRecord held = new HeldRecord("e-1", "acme", 5, 6, origin, null, utf8("{\"a\":1}"),
                utf8("{\"a\":1,\"stream_seq\":3}"), headers);

        HeldRecord back = HeldRecord.fromBytes(held.toBytes());

        assertThat(back.eventId()).isEqualTo("e-1");
        assertThat(back.tenant()).isEqualTo("acme");
        assertThat(back.heldSinceMs()).isEqualTo(5);
        assertThat(HeldRecord.heldSinceOf(held.toBytes())).isEqualTo(5);
        assertThat(back.timestamp()).isEqualTo(6);
        assertThat(back.origin()).isEqualTo(origin);
        assertThat(back.key()).isNull();
        assertThat(back.value()).isEqualTo(utf8("{\"a\":1}"));
        assertThat(back.ofRecord()).isEqualTo(utf8("{\"a\":1,\"stream_seq\":3}"));
        assertThat(back.headers().lastHeader("traceparent").value()).isEqualTo(utf8("00-abc"));
    }

    @Test
    void shouldKeepAValueOfRecordEqualToTheValueOnceAndNoTenant() {
        HeldRecord held = new HeldRecord("e-1", null, 5, 6, RecordPosition.UNKNOWN, utf8("k"), utf8("{}"), utf8("{}"),
                new RecordHeaders());

        HeldRecord back = HeldRecord.fromBytes(held.toBytes());

        assertThat(back.tenant()).isNull();
        assertThat(back.origin()).isEqualTo(RecordPosition.UNKNOWN);
        assertThat(back.ofRecord()).isEqualTo(utf8("{}"));
    }

    @Test
    void shouldReadAHeldRecordOfFormatOneWithoutTenantAndValueOfRecord() throws Exception {
        // as the processor stored held events before it kept their tenant and value of record
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("e-1");
            out.writeLong(5);
            out.writeLong(6);
            out.writeBoolean(true);
            out.writeUTF("agentlog.events.in");
            out.writeInt(3);
            out.writeLong(1207);
            out.writeInt(1);
            out.write('k');
            out.writeInt(2);
            out.write(utf8("{}"));
            out.writeInt(1);
            out.writeUTF("traceparent");
            out.writeInt(1);
            out.write('t');
        }

        HeldRecord back = HeldRecord.fromBytes(bytes.toByteArray());

        assertThat(back.eventId()).isEqualTo("e-1");
        assertThat(HeldRecord.heldSinceOf(bytes.toByteArray())).isEqualTo(5);
        assertThat(back.origin()).isEqualTo(new RecordPosition("agentlog.events.in", 3, 1207));
        assertThat(back.key()).isEqualTo(utf8("k"));
        assertThat(back.value()).isEqualTo(utf8("{}"));
        assertThat(back.headers().lastHeader("traceparent").value()).isEqualTo(utf8("t"));
        assertThat(back.tenant()).isNull();
        assertThat(back.ofRecord()).as("unknown: the release decodes the value").isNull();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
