package dev.agentlog.app.e2e;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.LogFold;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Knows when the pipeline has caught up, without sleeping: the processor has committed everything in
 * the input topic, and the sink's events table holds every record of the log of record.
 */
public final class PipelineProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private final String bootstrapServers;
    private final Topics topics;
    private final String processorApplicationId;
    private final DataSource dataSource;
    private final String schema;

    public PipelineProbe(String bootstrapServers, Topics topics, String processorApplicationId, DataSource dataSource,
            String schema) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.processorApplicationId = processorApplicationId;
        this.dataSource = dataSource;
        this.schema = schema;
    }

    public void awaitDrained() throws Exception {
        awaitProcessorCommitted();
        long records = readAll(topics.events()).size();
        Await.until(records + " rows in " + schema + ".events", TIMEOUT, () -> count("events"), n -> n == records);
    }

    /**
     * The processor has committed (consumed and passed on, exactly once) all of the input topic as of now, and what it
     * passed on can be read: the transaction's offsets and its records become visible through separate markers (the
     * group's offsets may show the commit while the log of record's partitions still wait for theirs), so this also
     * waits until no transaction is open on the log of record and the dead-letter topic.
     */
    public void awaitProcessorCommitted() throws Exception {
        Map<TopicPartition, Long> inEnd = endOffsets(topics.in());
        Await.until("the processor to commit " + inEnd, TIMEOUT, this::processorCommitted,
                committed -> inEnd.entrySet().stream().allMatch(e -> e.getValue() == 0
                        || committed.getOrDefault(e.getKey(), 0L) >= e.getValue()));
        for (String topic : List.of(topics.events(), topics.dlq())) {
            Await.until("no open transaction on " + topic, TIMEOUT, () -> openTransactions(topic), Map::isEmpty);
        }
    }

    /** The partitions of {@code topic} whose last stable offset is below their high watermark: their open transactions. */
    private Map<TopicPartition, Long> openTransactions(String topic) throws Exception {
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return Map.of(); // a fixture without that topic: nothing can be open on it
            }
            Map<TopicPartition, OffsetSpec> request = latest(admin, topic);
            Map<TopicPartition, Long> committed = offsets(admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)));
            Map<TopicPartition, Long> written = offsets(admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)));
            return written.entrySet().stream().filter(e -> committed.get(e.getKey()) < e.getValue())
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() - committed.get(e.getKey())));
        }
    }

    private static Map<TopicPartition, OffsetSpec> latest(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return request;
    }

    private static Map<TopicPartition, Long> offsets(ListOffsetsResult result) throws Exception {
        return result.all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    public long count(String table) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from " + schema + "." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<TopicPartition, Long> processorCommitted() throws Exception {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(processorApplicationId).partitionsToOffsetAndMetadata().get()
                    .entrySet().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> ((OffsetAndMetadata) e.getValue()).offset()));
        }
    }

    public Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            return offsets(admin.listOffsets(latest(admin, topic)));
        }
    }

    /** The projections the records of the log of record fold into, in their order (what the sink must equal). */
    public static ProjectionState foldOf(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        LogFold fold = new LogFold();
        EventCodec codec = EventCodec.standard();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            fold.apply(codec.decode(record.value()));
        }
        return fold.state();
    }

    /** Every committed record of a topic, read from the beginning to the end. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }
}
