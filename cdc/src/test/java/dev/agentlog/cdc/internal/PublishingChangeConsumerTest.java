package dev.agentlog.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.Topics;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.cdc.CdcSourceException;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.letta.mapping.LettaMapping;
import dev.agentlog.letta.mapping.MappingContext;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rule the guarantee rests on: no record of a batch is marked processed before all its events are acknowledged. */
class PublishingChangeConsumerTest {
    /** Nothing listens on port 1: every publish fails as "Kafka unavailable" within the publish timeout. */
    final EventPublisher unreachable = new EventPublisher("127.0.0.1:1", new Topics("t"),
            new PublisherSettings(PublisherSettings.DEFAULT_MAX_EVENT_BYTES, PublisherSettings.MIN_PUBLISH_TIMEOUT_MS), Map.of());
    final List<String> committed = new ArrayList<>();
    final DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer = new DebeziumEngine.RecordCommitter<>() {
        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            committed.add(record.record().topic());
        }

        @Override
        public void markBatchFinished() {
            committed.add("batch finished");
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    };
    final CdcMetrics metrics = new CdcMetrics(new SimpleMeterRegistry(), "slot", "[test]");
    final PublishingChangeConsumer consumer = new PublishingChangeConsumer(new RecordConverter(t -> false),
            new LettaMapping(MappingContext.of("letta")), unreachable, metrics, LettaCdc.BatchHook.NONE, "[test]", 2, 1);

    @AfterEach
    void close() {
        unreachable.close();
    }

    @Test
    void shouldMarkNothingProcessedWhenKafkaDoesNotAcknowledge() {
        List<RecordChangeEvent<SourceRecord>> batch = List.of(() -> RecordConverterTest.record("c", null,
                RecordConverterTest.row("[]", "agent-1")));

        assertThatThrownBy(() -> consumer.handleBatch(batch, committer))
                .isInstanceOf(CdcSourceException.class)
                .hasMessageContaining("Kafka did not acknowledge a batch of 1 events after 2 attempts");
        assertThat(committed).isEmpty();
    }

    @Test
    void shouldMarkRecordsWithoutEventsProcessedWithoutPublishing() throws Exception {
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        SourceRecord beat = new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L));

        consumer.handleBatch(List.of(() -> beat), committer);

        assertThat(committed).containsExactly("__debezium-heartbeat", "batch finished");
    }
}
