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
import dev.agentlog.support.retry.RetryPolicy;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    final List<Long> backoffs = new ArrayList<>();
    final PublishingChangeConsumer consumer = consumer(unreachable);

    PublishingChangeConsumer consumer(EventPublisher publisher) {
        return new PublishingChangeConsumer(new RecordConverter(t -> false), new LettaMapping(MappingContext.of("letta")),
                publisher, metrics, LettaCdc.BatchHook.NONE, "[test]", RetryPolicy.attempts(2, 100, 1_000),
                millis -> backoffs.add(millis));
    }

    /** A producer that fails its first {@code failures} sends with {@code failure}, then takes every record. */
    static EventPublisher failingFirst(int failures, RuntimeException failure) {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            int left = failures;

            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                if (left-- > 0) {
                    throw failure;
                }
                return super.send(record, callback);
            }
        };
        return new EventPublisher(producer, "mock:9092", new Topics("t"),
                new PublisherSettings(PublisherSettings.DEFAULT_MAX_EVENT_BYTES, PublisherSettings.MIN_PUBLISH_TIMEOUT_MS));
    }

    static List<RecordChangeEvent<SourceRecord>> oneMessage() {
        return List.of(() -> RecordConverterTest.record("c", null, RecordConverterTest.row("[]", "agent-1")));
    }

    @AfterEach
    void close() {
        unreachable.close();
    }

    @Test
    void shouldMarkNothingProcessedWhenKafkaDoesNotAcknowledge() {
        assertThatThrownBy(() -> consumer.handleBatch(oneMessage(), committer))
                .isInstanceOf(CdcSourceException.class)
                .hasMessageContaining("Kafka did not acknowledge a batch of 1 events after 2 attempts");
        assertThat(committed).isEmpty();
        assertThat(backoffs).singleElement().satisfies(wait -> assertThat(wait).isBetween(50L, 100L));
    }

    @Test
    void shouldPublishTheBatchAgainAfterABackoffAndThenMarkItProcessed() throws Exception {
        try (EventPublisher flaky = failingFirst(1, new TimeoutException("metadata not fetched in time"))) {
            consumer(flaky).handleBatch(oneMessage(), committer);
        }

        assertThat(backoffs).hasSize(1);
        assertThat(committed).containsExactly("t", "batch finished"); // the record's topic, then the end of the batch
    }

    @Test
    void shouldStopAtOnceWithoutRetryingWhenKafkaDoesNotAllowTheWrite() {
        try (EventPublisher forbidden = failingFirst(99, new TopicAuthorizationException(Set.of("t.events.in")))) {
            assertThatThrownBy(() -> consumer(forbidden).handleBatch(oneMessage(), committer))
                    .isInstanceOf(CdcSourceException.class)
                    .hasMessageContaining("Kafka refused event")
                    .hasMessageContaining("Kafka does not allow it (TopicAuthorizationException");
        }
        assertThat(backoffs).as("an authorization failure is not retried").isEmpty();
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
