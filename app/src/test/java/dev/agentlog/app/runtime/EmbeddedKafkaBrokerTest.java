package dev.agentlog.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.support.time.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path sharedDir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startSharedBroker() {
        broker = EmbeddedKafkaBroker.start(sharedDir.resolve("kafka"), 0, 0);
    }

    @AfterAll
    static void stopSharedBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void bootstrapServersNameTheLoopbackBrokerPort() {
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.brokerPort());
        assertThat(broker.controllerPort()).isNotEqualTo(broker.brokerPort());
    }

    @Test
    void recordProducedWithAcksAllAndIdempotenceIsConsumedBack() throws Exception {
        String topic = "roundtrip-" + UUID.randomUUID();

        RecordMetadata written = produce(broker, topic, "agent-1", "hello");

        assertThat(written.offset()).isZero();
        assertThat(consumeValues(broker, topic, 1)).containsExactly("hello");
    }

    @Test
    void autoCreatedTopicGetsTheConfiguredPartitionCount() throws Exception {
        String topic = "partitions-" + UUID.randomUUID();
        produce(broker, topic, "k", "v");

        try (Admin admin = admin(broker)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            assertThat(partitions).isEqualTo(EmbeddedKafkaBroker.DEFAULT_NUM_PARTITIONS);
        }
    }

    @Test
    void secondBrokerOnAUsedPortFailsNamingThePortAndTheFirstKeepsServing(@TempDir Path otherDir) throws Exception {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(otherDir, broker.brokerPort(), 0))
                .isInstanceOf(LocalServiceStartException.class)
                .hasMessageContaining("127.0.0.1:" + broker.brokerPort())
                .hasMessageContaining("already in use");

        assertThat(produce(broker, "still-serving-" + UUID.randomUUID(), "k", "v").offset()).isZero();
    }

    @Test
    void secondBrokerOnAUsedDataDirectoryFailsNamingTheDirectory() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(broker.dataDirectory(), 0, 0))
                .isInstanceOf(LocalServiceStartException.class)
                .hasMessageContaining(broker.dataDirectory().toString())
                .hasMessageContaining("already in use");
    }

    @Test
    void kafkaHaltAndExitThrowInsteadOfEndingTheJvm() {
        // The broker start installed the guard; a fatal broker error must surface as an exception.
        assertThatThrownBy(() -> Exit.halt(1)).isInstanceOf(KafkaExitGuard.KafkaExitAttemptedException.class);
        assertThatThrownBy(() -> Exit.exit(1, "fatal")).hasMessageContaining("status 1").hasMessageContaining("fatal");
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("kafka");
        String topic = "durable-" + UUID.randomUUID();
        int brokerPort;
        int controllerPort;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(dataDir, 0, 0, 3)) {
            produce(first, topic, "agent-7", "remember me");
            brokerPort = first.brokerPort();
            controllerPort = first.controllerPort();
        }

        try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dataDir, brokerPort, controllerPort, 3)) {
            try (Admin admin = admin(restarted)) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(topics).contains(topic);
            }
            assertThat(consumeValues(restarted, topic, 1)).containsExactly("remember me");
        }
    }

    private static RecordMetadata produce(EmbeddedKafkaBroker target, String topic, String key, String value)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeValues(EmbeddedKafkaBroker source, String topic, int expected)
            throws InterruptedException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Poll.every(Duration.ofMillis(100)).until(READ_TIMEOUT, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }

    private static Admin admin(EmbeddedKafkaBroker target) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        return Admin.create(props);
    }
}
