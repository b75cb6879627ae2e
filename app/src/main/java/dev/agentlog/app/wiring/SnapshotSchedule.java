package dev.agentlog.app.wiring;

import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.support.time.Time;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's continuous snapshots ({@code --snapshot-interval-ms}, {@code --snapshot-every-records}): one thread of its
 * own looks at the sink's offsets every {@link SnapshotPolicy#checkEveryMs()} and takes a snapshot when the policy says
 * so ({@link SnapshotWriter}). It reads the tables in a snapshot of PostgreSQL beside the sink workers, never stops
 * them, and a failed snapshot is logged and tried again at the next look. Several sink processes of one group each take
 * their own (harmless: each is whole; run the schedule in one of them to save the work). {@link #close} stops it.
 */
public final class SnapshotSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSchedule.class);

    private final SnapshotWriter writer;
    private final SnapshotPolicy policy;
    private final DataSource dataSource;
    private final String schema;
    private final String groupId;
    private final String topic;
    private final Time time;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentlog-snapshots");
        t.setDaemon(true);
        return t;
    });

    public SnapshotSchedule(SnapshotWriter writer, SnapshotPolicy policy, DataSource dataSource, String schema,
            String groupId, String topic, Time time) {
        this.writer = writer;
        this.policy = policy;
        this.dataSource = dataSource;
        this.schema = schema;
        this.groupId = groupId;
        this.topic = topic;
        this.time = time;
    }

    public SnapshotSchedule start() {
        thread.scheduleWithFixedDelay(this::look, policy.checkEveryMs(), policy.checkEveryMs(), TimeUnit.MILLISECONDS);
        log.info("[snapshots {}] every {}{}", schema, policy.intervalMs() > 0 ? policy.intervalMs() + " ms" : "",
                policy.everyRecords() > 0 ? (policy.intervalMs() > 0 ? " or every " : "") + policy.everyRecords()
                        + " records" : "");
        return this;
    }

    private void look() {
        try {
            if (policy.due(time.clock().instant(), writer.latest(), applied())) {
                SnapshotWriter.Written w = writer.write();
                log.info("[snapshots {}] took {} at offsets {}: {} streams in {} ms (read {}, PostgreSQL {}, topic {}){}",
                        schema, w.info().snapshotId(), w.info().byPartition(), w.info().streams(),
                        w.readMillis() + w.writeMillis() + w.sendMillis(), w.readMillis(), w.writeMillis(),
                        w.sendMillis(), w.dropped() > 0 ? "; dropped " + w.dropped() + " older" : "");
            }
        } catch (RuntimeException | SQLException e) {
            log.warn("[snapshots {}] taking a snapshot failed, trying again at the next look: {}", schema,
                    e.getMessage(), e);
        }
    }

    /** The sink's next offsets now. */
    private Map<TopicPartition, Long> applied() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return SnapshotStore.sinkOffsets(c, schema, groupId, topic);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
