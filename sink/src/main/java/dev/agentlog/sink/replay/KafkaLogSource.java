package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of record read from Kafka: a consumer without a group (it {@code assign}s every partition and
 * seeks where it is told; positions live with the replay's rows, not in Kafka), {@code read_committed}.
 * Partitions are merged by record timestamp ({@link PartitionMerge}); a partition that buffers
 * {@value #PAUSE_AT} records is paused until the others catch up, so memory stays bounded.
 */
public final class KafkaLogSource implements LogSource {
    private static final Logger log = LoggerFactory.getLogger(KafkaLogSource.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    static final int PAUSE_AT = 20_000;

    private final String topic;
    private final String bootstrapServers;
    private final Map<String, Object> kafkaProperties;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Set<TopicPartition> partitions;
    private final PartitionMerge merge = new PartitionMerge();
    private final Set<TopicPartition> paused = new HashSet<>();

    /**
     * @param kafkaProperties extra client properties (security, client.id); the replay's own below win
     * @throws IllegalStateException when the topic does not exist
     */
    public KafkaLogSource(String bootstrapServers, String topic, Map<String, Object> kafkaProperties) {
        this(bootstrapServers, topic, kafkaProperties, null);
    }

    /** @param only the partitions to read; null for all */
    private KafkaLogSource(String bootstrapServers, String topic, Map<String, Object> kafkaProperties,
            Set<TopicPartition> only) {
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        this.consumer = new KafkaConsumer<>(properties(bootstrapServers, kafkaProperties));
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrapServers
                        + ": check --bootstrap-servers and --topic-prefix");
            }
            Set<TopicPartition> found = new LinkedHashSet<>();
            infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                    .filter(tp -> only == null || only.contains(tp))
                    .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).forEach(found::add);
            this.partitions = Set.copyOf(found);
            consumer.assign(found);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    static Properties properties(String bootstrapServers, Map<String, Object> kafkaProperties) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // the processor writes transactionally: never replay records of an aborted transaction
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // no group: positions are the replay's own (the shadow schema's sink_offsets), never committed to Kafka
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a replay reads the log from its start: fetch big chunks
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        // a seek below the log start is reported by seek() itself (see below), never silently reset
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return props;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Set<TopicPartition> partitions() {
        return partitions;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets() {
        return new HashMap<>(consumer.endOffsets(partitions, METADATA_TIMEOUT));
    }

    /** Where each partition starts now: past 0 once retention dropped records. */
    public Map<TopicPartition, Long> beginningOffsets() {
        return new HashMap<>(consumer.beginningOffsets(partitions, METADATA_TIMEOUT));
    }

    @Override
    public void seek(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, METADATA_TIMEOUT);
        List<String> dropped = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long position = positions.getOrDefault(tp, 0L);
            long beginning = beginnings.getOrDefault(tp, 0L);
            if (position < beginning) {
                dropped.add(tp + " starts at " + beginning + ", the replay needs " + position);
            }
        }
        if (!dropped.isEmpty()) {
            throw new IllegalStateException("the log of record no longer holds the start of the replay (retention "
                    + "dropped it): " + String.join("; ", dropped) + ". Start from a snapshot taken before retention"
                    + " dropped it (agentlog snapshot; rebuild and verify start from the newest one unless --whole-log),"
                    + " or replay the events table: --from-table");
        }
        merge.clear();
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, positions.getOrDefault(tp, 0L));
        }
        if (!paused.isEmpty()) {
            consumer.resume(paused);
            paused.clear();
        }
    }

    @Override
    public List<SinkRecord> next(Map<TopicPartition, Long> limits, int max, long until) {
        Map<TopicPartition, Long> own = ownLimits(limits);
        List<SinkRecord> out = merge.take(own, consumer::position, max, until);
        if (!out.isEmpty() || merge.caughtUp(own, consumer::position)
                || merge.nextOrderKey(own, consumer::position) != null) {
            return out; // taken, nothing more, or the next record lies after `until`
        }
        fetch();
        return merge.take(own, consumer::position, max, until);
    }

    @Override
    public OptionalLong nextOrderKey(Map<TopicPartition, Long> limits) {
        Map<TopicPartition, Long> own = ownLimits(limits);
        Long key = merge.nextOrderKey(own, consumer::position);
        if (key == null && !merge.caughtUp(own, consumer::position)) {
            fetch();
            key = merge.nextOrderKey(own, consumer::position);
        }
        return key == null ? OptionalLong.empty() : OptionalLong.of(key);
    }

    @Override
    public LogSource subset(Set<TopicPartition> only) {
        return new KafkaLogSource(bootstrapServers, topic, kafkaProperties, only);
    }

    /** One poll into the merge; pausing is about memory: resume what the merge waits on, pause what is far ahead. */
    private void fetch() {
        List<TopicPartition> full = merge.fuller(PAUSE_AT);
        Set<TopicPartition> toResume = new HashSet<>(paused);
        toResume.removeAll(full);
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
            paused.removeAll(toResume);
        }
        if (!full.isEmpty() && !paused.containsAll(full)) {
            consumer.pause(full);
            paused.addAll(full);
        }
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            merge.add(new TopicPartition(r.topic(), r.partition()),
                    new SinkRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()), r.timestamp());
        }
    }

    @Override
    public boolean caughtUp(Map<TopicPartition, Long> limits) {
        return merge.caughtUp(ownLimits(limits), consumer::position);
    }

    private Map<TopicPartition, Long> ownLimits(Map<TopicPartition, Long> limits) {
        Map<TopicPartition, Long> own = new HashMap<>();
        limits.forEach((tp, limit) -> {
            if (partitions.contains(tp)) {
                own.put(tp, limit);
            } else if (limit > 0) {
                log.warn("[replay {}] no partition {} in the topic; ignoring its limit {}", topic, tp, limit);
            }
        });
        return own;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
