package dev.agentlog.sink;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.Timestamps;
import dev.agentlog.support.time.Time;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends refused records to the dead-letter topic: the original key and value bytes, and headers
 * ({@link DeadLetterHeaders}) with the reason, the rule, where it was read and when and by whom it was
 * refused. {@link #send} blocks until Kafka acknowledged every letter. Thread-safe (KafkaProducer is).
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {
    static final String REFUSED_BY = "sink";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(150);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;

    public KafkaDeadLetterSink(String bootstrapServers, String dlqTopic, Map<String, Object> extraProperties) {
        this(bootstrapServers, dlqTopic, extraProperties, Time.SYSTEM.clock());
    }

    KafkaDeadLetterSink(String bootstrapServers, String dlqTopic, Map<String, Object> extraProperties, Clock clock) {
        Properties props = new Properties();
        props.putAll(extraProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "agentlog-sink-dlq");
        // a dead letter is the only copy of a refused event's place in the pipeline: replicate before the ack
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // retries never duplicate or reorder a letter
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.topic = dlqTopic;
        this.clock = clock;
    }

    @Override
    public void send(List<DeadLetter> letters) throws Exception {
        String refusedAt = Timestamps.format(OffsetDateTime.now(clock));
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            SinkRecord source = letter.record();
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, source.key(), source.value());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REASON, letter.reason());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.RULE, letter.rule());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_TOPIC, source.topic());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_PARTITION, source.partition());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_OFFSET, source.offset());
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REFUSED_AT, refusedAt);
            DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REFUSED_BY, REFUSED_BY);
            acks.add(producer.send(record));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
