package dev.agentlog.sink.snapshot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest complete snapshot back from the compacted topic {@code <prefix>.snapshots} ({@link SnapshotTopic}
 * wrote it): for a rebuild when PostgreSQL was lost, with its snapshots (docs/replay.md, "Rebuild when PostgreSQL was
 * lost"). The topic is read from its beginning to its end as of now, keeping the latest value of each key, as
 * compaction will. The manifest ({@value SnapshotTopic#MANIFEST_KEY}) names the snapshot; it is written after every
 * stream's record, so once it is there so are they. The snapshot is used only when the topic is consistent with it:
 * <ul>
 *   <li>no stream record left is of a snapshot taken after the manifest's: such a record means that a newer
 *       snapshot's writing was interrupted before its manifest (a torn snapshot) and replaced some of the manifest's
 *       streams, which are then gone from the topic. A record of an older snapshot is of a stream the manifest's
 *       snapshot does not hold (its record would have replaced it), left when a tombstone was never written: it is
 *       ignored;</li>
 *   <li>the manifest's stream count is made up by its records and by streams tombstoned since (an erasure tombstones
 *       a subject's streams).</li>
 * </ul>
 * Anything else: no snapshot, with the reason. Used by one thread.
 */
public final class SnapshotTopicReader {
    private static final Logger log = LoggerFactory.getLogger(SnapshotTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    /** Longest a read may make no progress towards the end offsets before it gives up. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final String bootstrapServers;
    private final Map<String, Object> kafkaProperties;

    /** @param kafkaProperties extra client properties (security, client.id); the reader's own win */
    public SnapshotTopicReader(String bootstrapServers, Map<String, Object> kafkaProperties) {
        this.bootstrapServers = bootstrapServers;
        this.kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /**
     * A snapshot read from the topic: its stream records as they are there (sealed or not).
     *
     * @param info the snapshot (its topic the events topic the positions are of, its group the given one)
     * @param subjects per record, its stream id and subject
     * @param values per record, the value as in the topic
     */
    public record TopicSnapshot(SnapshotInfo info, List<String[]> subjects, List<byte[]> values) {}

    /** What was found: a snapshot, or none and why. */
    public record Found(TopicSnapshot snapshot, String whyNone) {
        static Found none(String why) {
            return new Found(null, why);
        }

        public boolean present() {
            return snapshot != null;
        }
    }

    /**
     * The newest complete snapshot in {@code snapshotsTopic}.
     *
     * @param eventsTopic the log of record its positions are of
     * @param groupId the consumer group the snapshot is recorded under
     */
    public Found read(String snapshotsTopic, String eventsTopic, String groupId) {
        Map<String, byte[]> latest = latestByKey(snapshotsTopic);
        if (latest == null) {
            return Found.none("topic " + snapshotsTopic + " does not exist");
        }
        return choose(snapshotsTopic, latest, eventsTopic, groupId);
    }

    /** The rule above, on the latest value of each key (null: a tombstone). */
    static Found choose(String snapshotsTopic, Map<String, byte[]> latest, String eventsTopic, String groupId) {
        byte[] manifestValue = latest.get(SnapshotTopic.MANIFEST_KEY);
        if (manifestValue == null) {
            long records = latest.values().stream().filter(v -> v != null).count();
            return Found.none(records == 0 ? "topic " + snapshotsTopic + " holds no snapshot"
                    : "topic " + snapshotsTopic + " holds " + records + " stream records but no manifest ("
                    + SnapshotTopic.MANIFEST_KEY + "): a snapshot whose writing was interrupted, not used");
        }
        JsonNode manifest = json(manifestValue);
        if (manifest.path("format").asInt(-1) != SnapshotFormat.FORMAT) {
            throw new IllegalStateException("the manifest in " + snapshotsTopic + " has format " + manifest.path("format")
                    + ", not known to this version (it reads format " + SnapshotFormat.FORMAT + ")");
        }
        String id = manifest.path("snapshot_id").asText();
        int streams = manifest.path("streams").asInt();
        Instant takenAt = Instant.parse(manifest.path("taken_at").asText());
        List<String[]> subjects = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        boolean sealed = false;
        long tombstones = 0;
        for (Map.Entry<String, byte[]> e : latest.entrySet()) {
            if (e.getKey().equals(SnapshotTopic.MANIFEST_KEY)) {
                continue;
            }
            if (e.getValue() == null) {
                tombstones++;
                continue;
            }
            Head head = head(e.getValue());
            if (!id.equals(head.snapshotId()) && head.takenAt().isBefore(takenAt)) {
                continue; // a stream the manifest's snapshot does not hold, whose tombstone was never written
            }
            if (!id.equals(head.snapshotId())) {
                return Found.none("topic " + snapshotsTopic + " holds the record of stream " + e.getKey() + " of snapshot "
                        + head.snapshotId() + ", whose manifest is not there, over that of snapshot " + id + " (the"
                        + " manifest's): a snapshot whose writing was interrupted, so neither is whole; not used (the"
                        + " next snapshot taken makes the topic whole again)");
            }
            subjects.add(new String[] {e.getKey(), head.subject()});
            values.add(e.getValue());
            sealed |= head.sealed();
        }
        if (values.size() + tombstones < streams) {
            return Found.none("topic " + snapshotsTopic + " holds " + values.size() + " of the " + streams
                    + " stream records of snapshot " + id + ": not used");
        }
        Map<TopicPartition, Long> positions = SnapshotStore.positions(manifest.path("positions").toString(), eventsTopic);
        SnapshotInfo info = new SnapshotInfo(id, eventsTopic, groupId, positions, takenAt, values.size(), sealed);
        return new Found(new TopicSnapshot(info, subjects, values), null);
    }

    /** The first fields of a stream record, read without parsing its state. */
    private record Head(String snapshotId, String subject, Instant takenAt, boolean sealed) {}

    private static Head head(byte[] value) {
        String snapshotId = null;
        String subject = null;
        Instant takenAt = Instant.MAX;
        boolean sealed = false;
        try (JsonParser p = EventCodec.JSON.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("a snapshot record is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "snapshot_id" -> snapshotId = p.getText();
                    case "subject" -> subject = p.getText();
                    case "taken_at" -> takenAt = Instant.parse(p.getText());
                    case SnapshotFormat.SEALED -> sealed = true;
                    default -> { }
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            throw new IllegalStateException("a snapshot record is not JSON: " + e.getMessage(), e);
        }
        return new Head(snapshotId, subject, takenAt, sealed);
    }

    private static JsonNode json(byte[] value) {
        try {
            return EventCodec.JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("the snapshot manifest is not JSON: " + e.getMessage(), e);
        }
    }

    /** Every key's latest value, the topic read to its end offsets as of now; null when the topic does not exist. */
    private Map<String, byte[]> latestByKey(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return null;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            Map<String, byte[]> latest = new HashMap<>();
            long records = 0;
            long lastProgress = System.nanoTime();
            while (!atEnd(consumer, end)) {
                int before = latest.size();
                long read = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() != null && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        latest.put(new String(r.key(), StandardCharsets.UTF_8), r.value());
                        read++;
                    }
                }
                records += read;
                if (read > 0 || latest.size() != before) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException("reading " + topic + " made no progress for " + STALL.toSeconds()
                            + " s (at " + records + " records): is the broker reachable?");
                }
            }
            log.info("read {} records of {} ({} keys)", records, topic, latest.size());
            return latest;
        }
    }

    /** Compaction leaves gaps: a partition is read once its position reached the end offset taken at the start. */
    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), METADATA_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties properties() {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // looking for the topic must not make it (a broker that creates topics on demand would make it uncompacted)
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        return props;
    }
}
