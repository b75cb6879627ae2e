package dev.agentlog.bench.chaos;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.fold.LogFold;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The end of the chaos run: every acknowledged event in the log of record once, in PostgreSQL once, the projections
 * equal to the fold of the log, and what the dead-letter topic holds.
 */
record ChaosCheck(int acknowledged, int inLog, int lostFromLog, int doubledInLog, int rowsInEvents,
        int distinctInEvents, int lostFromPostgres, List<String> projectionDifferences, int deadLetters,
        List<String> deadLetterReasons) {

    boolean passed() {
        return lostFromLog == 0 && doubledInLog == 0 && lostFromPostgres == 0 && rowsInEvents == inLog
                && distinctInEvents == inLog && projectionDifferences.isEmpty() && deadLetters == 0;
    }

    static ChaosCheck of(String bootstrap, Set<String> acknowledged, DataSource pool) throws Exception {
        EventCodec codec = EventCodec.standard();
        LogFold fold = new LogFold();
        Map<String, Integer> inLog = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(bootstrap, ChaosCluster.TOPICS.events())) {
            var event = codec.decode(record.value());
            inLog.merge(event.eventId(), 1, Integer::sum);
            fold.apply(event);
        }
        int lostFromLog = (int) acknowledged.stream().filter(id -> !inLog.containsKey(id)).count();
        int doubled = (int) inLog.values().stream().filter(n -> n > 1).count();
        Set<String> inPostgres = new HashSet<>();
        int rows;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select event_id from " + ChaosCluster.NAME + ".events")) {
            rows = 0;
            while (rs.next()) {
                inPostgres.add(rs.getString(1));
                rows++;
            }
        }
        int lostFromPostgres = (int) acknowledged.stream().filter(id -> !inPostgres.contains(id)).count();
        List<String> differences = fold.state().differencesFrom(ProjectionReader.read(pool, ChaosCluster.NAME), 10);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(bootstrap, ChaosCluster.TOPICS.dlq());
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters.subList(0, Math.min(5, deadLetters.size()))) {
            StringBuilder headers = new StringBuilder();
            letter.headers().forEach(h -> headers.append(h.key()).append('=')
                    .append(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)).append(' '));
            reasons.add(headers.toString().strip());
        }
        return new ChaosCheck(acknowledged.size(), inLog.size(), lostFromLog, doubled, rows, inPostgres.size(),
                lostFromPostgres, differences, deadLetters.size(), reasons);
    }

    /** Every committed record of a topic, from the beginning to its end as of now. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
            Waits.until("reading " + topic + " to its end " + end, Duration.ofMinutes(5), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return out;
    }
}
