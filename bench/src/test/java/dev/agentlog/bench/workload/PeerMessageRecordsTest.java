package dev.agentlog.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventType;
import dev.agentlog.workload.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class PeerMessageRecordsTest {
    private static final String AGENT = "agent-bench-1";

    private static WorkloadEvent event(EventType type, String payload) {
        String json = "{\"event_id\":\"e-" + payload.hashCode() + "\",\"type\":\"" + type.wireName() + "\",\"schema_version\":"
                + type.currentVersion() + ",\"stream_id\":\"" + AGENT + "\",\"stream_seq\":1,"
                + "\"occurred_at\":\"2026-11-24T00:00:00.000997Z\",\"payload\":" + payload + "}";
        return new WorkloadEvent(AGENT, type, json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), isKey);
        return converter;
    }

    @Test
    void shouldWriteAMessageRowAsAConnectJsonRecordWithSchema() {
        PeerMessageRecords.PeerRecord record = new PeerMessageRecords().of(event(EventType.MESSAGE_CREATED,
                "{\"message_id\":\"m-1\",\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}"));

        SchemaAndValue key = converter(true).toConnectData("t", record.key());
        SchemaAndValue value = converter(false).toConnectData("t", record.value());

        assertThat(((Struct) key.value()).getString("message_id")).isEqualTo("m-1");
        Struct row = (Struct) value.value();
        assertThat(row.getString("agent_id")).isEqualTo(AGENT);
        assertThat(row.getString("role")).isEqualTo("user");
        assertThat(row.getString("content")).isEqualTo("[{\"type\":\"text\",\"text\":\"hi\"}]");
        assertThat(value.schema().field("content").schema().name()).isEqualTo("io.debezium.data.Json");
        assertThat(row.getString("created_at")).isEqualTo("2026-11-24T00:00:00.000997Z");
        assertThat(value.schema().field("created_at").schema().name()).isEqualTo("io.debezium.time.ZonedTimestamp");
    }

    @Test
    void shouldCarryTheWholeRowAfterAnUpdateOfAnEarlierSystemMessage() {
        PeerMessageRecords records = new PeerMessageRecords();
        records.of(event(EventType.MESSAGE_CREATED, "{\"message_id\":\"s-1\",\"role\":\"system\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"v1\"}],\"step_id\":\"step-1\"}"));

        PeerMessageRecords.PeerRecord updated = records.of(event(EventType.MESSAGE_UPDATED,
                "{\"message_id\":\"s-1\",\"content\":[{\"type\":\"text\",\"text\":\"v2\"}]}"));

        Struct row = (Struct) converter(false).toConnectData("t", updated.value()).value();
        assertThat(row.getString("role")).isEqualTo("system");
        assertThat(row.getString("step_id")).isEqualTo("step-1");
        assertThat(row.getString("content")).contains("v2");
    }

    @Test
    void shouldTurnADeletionIntoATombstoneAndIgnoreOtherEvents() {
        PeerMessageRecords records = new PeerMessageRecords();

        PeerMessageRecords.PeerRecord deleted = records.of(event(EventType.MESSAGE_DELETED, "{\"message_id\":\"m-9\"}"));

        assertThat(deleted.value()).isNull();
        assertThat(deleted.messageId()).isEqualTo("m-9");
        assertThat(records.of(event(EventType.CONTEXT_UPDATED, "{\"message_ids\":[\"m-1\"]}"))).isNull();
    }
}
