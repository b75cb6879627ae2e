package dev.agentlog.app.wiring;

import dev.agentlog.events.Topics;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.sink.snapshot.SnapshotTaker;
import dev.agentlog.sink.snapshot.SnapshotTopic;
import dev.agentlog.sink.snapshot.StateCipher;
import dev.agentlog.support.time.Time;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Takes a snapshot and puts it everywhere it goes (docs/replay.md, "Snapshots and retention"): the schema's snapshot
 * tables (SnapshotTaker), the compacted topic (with tombstones for the streams the previous snapshot held and this one
 * does not: erased or emptied), the newest {@code keep} kept, and where the log of record starts now recorded
 * ({@code log_start}, state --at's horizon). {@code agentlog snapshot} and the sink's schedule share it. One caller at
 * a time.
 */
public final class SnapshotWriter {
    private final DataSource dataSource;
    private final String schema;
    private final String groupId;
    private final KafkaClients kafka;
    private final Topics topics;
    private final StateCipher cipher;
    private final int keep;
    private final Time time;

    /** What one snapshot cost. */
    public record Written(SnapshotInfo info, long readMillis, long writeMillis, long sendMillis, int dropped) {}

    /** @param keep how many snapshots to keep in PostgreSQL, newest first; 0: every one */
    public SnapshotWriter(DataSource dataSource, String schema, String groupId, KafkaClients kafka, Topics topics,
            StateCipher cipher, int keep, Time time) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.groupId = groupId;
        this.kafka = kafka;
        this.topics = topics;
        this.cipher = cipher;
        this.keep = keep;
        this.time = time;
    }

    /** The newest snapshot of the log, if any. */
    public Optional<SnapshotInfo> latest() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return new SnapshotStore(schema).list(c, topics.events()).stream().findFirst();
        }
    }

    public Written write() throws SQLException {
        SnapshotStore store = new SnapshotStore(schema);
        List<String> previousStreams = List.of();
        Optional<SnapshotInfo> previous = latest();
        if (previous.isPresent()) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                previousStreams = store.streamIds(c, previous.get().snapshotId());
            }
        }
        SnapshotTaker.Taken taken = new SnapshotTaker(dataSource, schema, groupId, topics.events(), cipher)
                .take(time.clock().instant());
        long t0 = time.nanoTime();
        try (Producer<byte[], byte[]> producer = producer();
             KafkaLogSource log = new KafkaLogSource(kafka.bootstrapServers(), topics.events(), kafka.common())) {
            new SnapshotTopic(producer, topics.snapshots()).write(taken, previousStreams);
            recordLogStart(dataSource, schema, log);
        }
        long sendMillis = (time.nanoTime() - t0) / 1_000_000;
        int dropped = 0;
        if (keep > 0) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                dropped = store.keepNewest(c, topics.events(), keep);
                c.commit();
            }
        }
        return new Written(taken.info(), taken.readMillis(), taken.writeMillis(), sendMillis, dropped);
    }

    /**
     * Records where the log of record starts now in the schema's {@code log_start} (state --at's horizon). Snapshot and
     * rebuild do (verify stays read-only), so the horizon follows retention.
     */
    public static void recordLogStart(DataSource dataSource, String schema, KafkaLogSource source) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            SnapshotStore.recordLogStart(c, schema, source.beginningOffsets());
        }
    }

    private Producer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>(kafka.common());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // one record holds a whole stream's state
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicAdmin.SNAPSHOT_MAX_RECORD_BYTES);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * TopicAdmin.SNAPSHOT_MAX_RECORD_BYTES);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
