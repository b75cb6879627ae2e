package dev.agentlog.sink;

import dev.agentlog.events.DeadLetterHeaders;
import dev.agentlog.events.RecordPosition;
import dev.agentlog.events.RefusedBy;
import dev.agentlog.support.time.Time;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends refused records to the dead-letter topic as every part does ({@link DeadLetterHeaders#of}): the original key,
 * value, timestamp and headers, plus the reason, the rule, its codes, where it was read and when and by whom it was
 * refused. {@link #send} blocks until Kafka acknowledged every letter. Thread-safe (KafkaProducer is).
 */
public final class KafkaDeadLetterSink implements DeadLetterSink {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(150);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Clock clock;

    public KafkaDeadLetterSink(String bootstrapServers, String dlqTopic, Map<String, Object> extraProperties) {
        this(new KafkaProducer<>(properties(bootstrapServers, extraProperties)), dlqTopic, Time.SYSTEM.clock());
    }

    /** Over a producer the caller built (Kafka's {@code MockProducer} in tests), stamping refusals by {@code clock}. */
    KafkaDeadLetterSink(Producer<byte[], byte[]> producer, String dlqTopic, Clock clock) {
        this.producer = producer;
        this.topic = dlqTopic;
        this.clock = clock;
    }

    private static Properties properties(String bootstrapServers, Map<String, Object> extraProperties) {
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
        return props;
    }

    @Override
    public void send(List<DeadLetter> letters) throws Exception {
        Instant refusedAt = clock.instant();
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            SinkRecord source = letter.record();
            acks.add(producer.send(new ProducerRecord<>(topic, null,
                    source.timestamp() == SinkRecord.NO_TIMESTAMP ? null : source.timestamp(), source.key(),
                    source.value(), DeadLetterHeaders.of(source.headers(), letter.refusal(),
                            new RecordPosition(source.topic(), source.partition(), source.offset()), refusedAt,
                            RefusedBy.SINK))));
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
