package dev.agentlog.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.events.EncodedEvent;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.MessageDeleted;
import dev.agentlog.events.Topics;
import dev.agentlog.client.internal.ProducerProperties;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
    private static final PublisherSettings SETTINGS = new PublisherSettings(1024, 500);
    /** A real KafkaProducer pointed at a closed port. */
    private static EventPublisher unreachable;

    @BeforeAll
    static void startPublisher() {
        unreachable = new EventPublisher(UnreachableKafka.address(), Topics.DEFAULT, SETTINGS, Map.of());
    }

    @AfterAll
    static void closePublisher() {
        unreachable.close();
    }

    private static Event event(String id, String streamId) {
        return Event.of(id, streamId, OffsetDateTime.parse("2026-11-24T10:00:00Z"), new MessageDeleted("message-" + id, Map.of()));
    }

    @Test
    void shouldFailAsKafkaUnavailableWhenNoBrokerAnswers() {
        CompletableFuture<RecordMetadata> future = unreachable.publish(event("e-1", "agent-1"));

        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("did not acknowledge event e-1 on topic agentlog.events.in within 500 ms")
                .hasMessageContaining("re-sending the same event_id is safe")
                .satisfies(e -> assertThat(((PublishException) e).isRetriable()).isTrue());
    }

    @Test
    void shouldNotSendTheRestOfABatchOnceKafkaIsUnavailable() {
        List<CompletableFuture<RecordMetadata>> futures =
                unreachable.publishAll(List.of(event("e-1", "agent-1"), event("e-2", "agent-1"), event("e-3", "agent-2")));

        assertThat(futures).hasSize(3).allSatisfy(f -> assertThatThrownBy(f::join)
                .cause().isInstanceOf(KafkaUnavailableException.class));
        assertThatThrownBy(futures.get(2)::join).cause()
                .hasMessageContaining("event e-3 was not sent because Kafka was unavailable for an earlier event");
    }

    @Test
    void shouldFailAsSealingUnavailableAndNotTryTheRestWhenTheDataKeysCannotBeRead() {
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        EventPublisher sealing = new EventPublisher(UnreachableKafka.address(), Topics.DEFAULT, SETTINGS, Map.of())
                .sealingWith(e -> {
                    tries.incrementAndGet();
                    throw new dev.agentlog.events.KeysUnavailableException("the data key of subject agent-1 cannot be"
                            + " had now", new IllegalStateException("connection refused"));
                });
        try (sealing) {
            List<CompletableFuture<RecordMetadata>> futures =
                    sealing.publishAll(List.of(event("e-1", "agent-1"), event("e-2", "agent-2")));

            assertThat(futures).hasSize(2).allSatisfy(f -> assertThatThrownBy(f::join).cause()
                    .isInstanceOf(SealingUnavailableException.class)
                    .satisfies(e -> assertThat(((PublishException) e).isRetriable()).isTrue()));
            assertThatThrownBy(futures.get(0)::join).cause()
                    .hasMessageContaining("event e-1 was not sent: its subject's data key cannot be read now");
            assertThatThrownBy(futures.get(1)::join).cause()
                    .hasMessageContaining("event e-2 was not sent because the data keys could not be read");
            assertThat(tries).hasValue(1);
        }
    }

    @Test
    void shouldRefuseAnEventOverTheSizeLimitWithoutSendingIt() {
        Event big = event("e-big", "agent-1").withSource("x".repeat(2000));

        assertThatThrownBy(unreachable.publish(big)::join).cause()
                .isInstanceOf(EventTooLargeException.class)
                .hasMessageContaining("over the limit of 1024 bytes (--max-event-bytes)")
                .satisfies(e -> assertThat(((EventTooLargeException) e).violation().field()).isEqualTo("$"));
    }

    @Test
    void shouldKeyByStreamIdAndWriteTheEncodedEventToTheInTopic() {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        try (EventPublisher publisher = new EventPublisher(mock, "mock:9092", new Topics("t1"), SETTINGS)) {
            Event event = event("e-1", "agent-7");

            RecordMetadata metadata = publisher.publish(event).join();

            assertThat(metadata.topic()).isEqualTo("t1.events.in");
            assertThat(mock.history()).singleElement().satisfies(record -> {
                assertThat(record.topic()).isEqualTo("t1.events.in");
                assertThat(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("agent-7");
                assertThat(record.value()).isEqualTo(EventCodec.standard().encode(event));
            });
        }
    }

    @Test
    void shouldSendTheBytesOfAnEventEncodedAlreadyWithoutEncodingItAgain() throws Exception {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        try (EventPublisher publisher = new EventPublisher(mock, "mock:9092", new Topics("t1"), SETTINGS)) {
            EncodedEvent encoded = EventCodec.standard().encodeChecked(event("e-1", "agent-7"));
            // the same event in other bytes (spaces): only a publisher that sends what it was given sends these
            byte[] spaced = new String(encoded.bytes(), StandardCharsets.UTF_8).replace(",", ", ")
                    .getBytes(StandardCharsets.UTF_8);

            publisher.publishAllEncoded(List.of(new EncodedEvent(encoded.event(), spaced))).get(0).join();

            assertThat(mock.history()).singleElement().satisfies(record -> {
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("agent-7");
                assertThat(record.value()).isEqualTo(spaced);
            });
        }
    }

    @Test
    void shouldRefuseForGoodNamingItWhenKafkaDoesNotAllowTheWrite() {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        try (EventPublisher publisher = new EventPublisher(mock, "mock:9092", Topics.DEFAULT, SETTINGS)) {
            CompletableFuture<RecordMetadata> future = publisher.publish(event("e-1", "agent-1"));
            mock.errorNext(new TopicAuthorizationException(Set.of("agentlog.events.in")));

            assertThatThrownBy(future::join).cause()
                    .isExactlyInstanceOf(PublishException.class)
                    .hasMessageContaining("refused event e-1")
                    .hasMessageContaining("Kafka does not allow it (TopicAuthorizationException")
                    .hasMessageContaining("re-sending will not help")
                    .satisfies(e -> assertThat(((PublishException) e).isRetriable()).isFalse());
        }
    }

    @Test
    void shouldCallASendUnavailableOnceThePublisherIsClosing() {
        MockProducer<byte[], byte[]> mock = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        EventPublisher publisher = new EventPublisher(mock, "mock:9092", Topics.DEFAULT, SETTINGS);
        publisher.close();

        // the closed producer throws a plain IllegalStateException: the publisher knows why, not from its text
        assertThatThrownBy(publisher.publish(event("e-1", "agent-1"))::join).cause()
                .isInstanceOf(KafkaUnavailableException.class)
                .hasMessageContaining("the publisher is closing");
    }

    @Test
    void shouldConfigureTheProducerForAcksAllIdempotentLz4AndBoundedWaits() {
        Map<String, Object> props = ProducerProperties.build("k:9092", "id", new PublisherSettings(1000, 700),
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 65536));

        assertThat(props).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 700L)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 700)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 695)
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1000 + 64 * 1024)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
    }

    @Test
    void shouldRefuseProducerPropertiesThatWeakenTheGuarantee() {
        assertThatThrownBy(() -> new EventPublisher("k:9092", Topics.DEFAULT, SETTINGS, Map.of(ProducerConfig.ACKS_CONFIG, "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producer property acks=1 would break agentlog's guarantee");
        assertThatThrownBy(() -> ProducerProperties.build("k:9092", "id", SETTINGS,
                Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("enable.idempotence=false");
    }
}
