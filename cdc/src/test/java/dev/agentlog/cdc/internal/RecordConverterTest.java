package dev.agentlog.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.Op;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Debezium's Postgres change records, built as the connector builds them, into changes. */
class RecordConverterTest {
    static final Schema JSON = SchemaBuilder.string().optional().name("io.debezium.data.Json").build();
    static final Schema TIMESTAMPTZ = SchemaBuilder.string().optional().name("io.debezium.time.ZonedTimestamp").build();
    static final Schema ROW = SchemaBuilder.struct().name("letta.public.messages.Value")
            .field("id", Schema.STRING_SCHEMA)
            .field("agent_id", Schema.STRING_SCHEMA)
            .field("content", JSON)
            .field("sequence_id", Schema.INT64_SCHEMA)
            .field("created_at", TIMESTAMPTZ)
            .field("embedding", SchemaBuilder.array(Schema.OPTIONAL_FLOAT32_SCHEMA).optional().build())
            .optional().build();
    static final Schema KEY = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    static final Schema SOURCE = SchemaBuilder.struct()
            .field("ts_ms", Schema.INT64_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    static Struct row(String content, String agentId) {
        return new Struct(ROW).put("id", "message-1").put("agent_id", agentId).put("content", content)
                .put("sequence_id", 42L).put("created_at", "2026-11-24T10:59:59.5Z").put("embedding", List.of(0.5f, 1f));
    }

    static SourceRecord record(String op, Struct before, Struct after) {
        Struct source = new Struct(SOURCE).put("ts_ms", 1_795_000_000_123L).put("ts_us", 1_795_000_000_123_456L)
                .put("snapshot", "false").put("table", "messages").put("txId", 771L).put("lsn", 23_803_720L);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
        return new SourceRecord(Map.of(), Map.of(), "t", null, KEY, new Struct(KEY).put("id", "message-1"), ENVELOPE, value);
    }

    final RecordConverter defaultIdentity = new RecordConverter(table -> false);
    final RecordConverter fullIdentity = new RecordConverter(table -> true);

    @Test
    void shouldParseJsonColumnsAndKeepTimestampsAsText() throws Exception {
        Change change = defaultIdentity.convert(record("c", null, row("[{\"type\":\"text\",\"text\":\"hi\"}]", "agent-1")));

        assertThat(change.op()).isEqualTo(Op.CREATE);
        assertThat(change.table()).isEqualTo("messages");
        assertThat(change.after().get("content")).isEqualTo(EventCodec.JSON.readTree("[{\"type\":\"text\",\"text\":\"hi\"}]"));
        assertThat(change.after().text("created_at")).isEqualTo("2026-11-24T10:59:59.5Z");
        assertThat(change.after().longValue("sequence_id")).isEqualTo(42L);
        assertThat(change.after().get("embedding")).extracting(n -> n.floatValue()).containsExactly(0.5f, 1f);
        assertThat(change.position().lsn()).isEqualTo(23_803_720L);
        assertThat(change.position().commitTime()).isEqualTo(Instant.ofEpochSecond(1_795_000_000L, 123_456_000L));
        assertThat(change.position().snapshot()).isFalse();
    }

    @Test
    void shouldMarkAnUnchangedToastedValueUnavailableNotNull() {
        Change change = defaultIdentity.convert(record("u", null, row("__debezium_unavailable_value", "agent-1")));

        assertThat(change.after().has("content")).isFalse();
        assertThat(change.after().unavailable()).containsExactly("content");
    }

    @Test
    void shouldReadADeleteUnderTheDefaultReplicaIdentityAsItsKeyAlone() {
        Change change = defaultIdentity.convert(record("d", row(null, ""), null));

        assertThat(change.before().values()).containsOnlyKeys("id");
        assertThat(change.after()).isNull();
    }

    @Test
    void shouldKeepTheWholeBeforeImageAndFillUnchangedValuesFromItUnderFullReplicaIdentity() {
        Change change = fullIdentity.convert(record("u", row("[\"old\"]", "agent-1"), row("__debezium_unavailable_value", "agent-1")));

        assertThat(change.before().text("agent_id")).isEqualTo("agent-1");
        assertThat(change.after().get("content").get(0).asText()).isEqualTo("old");
        assertThat(change.after().unavailable()).isEmpty();
    }

    @Test
    void shouldIgnoreRecordsThatAreNotRowChanges() {
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L));

        assertThat(defaultIdentity.convert(record)).isNull();
        assertThat(defaultIdentity.convert(new SourceRecord(Map.of(), Map.of(), "t", null, null))).isNull();
    }
}
