package dev.agentlog.sink.replay;

import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotTopicReader;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which snapshot a rebuild starts from ({@link SnapshotFrom}; docs/replay.md, "Rebuild when PostgreSQL was lost"): the
 * live schema's newest at or before the replay's limits, or, when it has none (or there is no live schema, or with
 * {@link SnapshotFrom#TOPIC}), the newest complete one in the compacted topic, if it stands at or before the limits.
 *
 * @param reader null: the topic is never read
 */
record SnapshotChoice(SnapshotTopicReader reader, String snapshotsTopic, SnapshotFrom from) {
    private static final Logger log = LoggerFactory.getLogger(SnapshotChoice.class);
    static final SnapshotChoice POSTGRES_ONLY = new SnapshotChoice(null, null, SnapshotFrom.POSTGRES);

    /** @param eventsTopic the log of record being replayed */
    Optional<SnapshotSeed.Start> choose(DataSource dataSource, RebuildSettings settings, String eventsTopic,
            RebuildPlan plan, String context) throws SQLException {
        if (from != SnapshotFrom.TOPIC && plan.liveExists()) {
            Optional<SnapshotInfo> stored = SnapshotSeed.find(dataSource, settings.liveSchema(), eventsTopic,
                    plan.limits());
            if (stored.isPresent()) {
                return stored.map(SnapshotSeed.Start::postgres);
            }
        }
        if (reader == null || from == SnapshotFrom.POSTGRES) {
            return Optional.empty();
        }
        SnapshotTopicReader.Found found = reader.read(snapshotsTopic, eventsTopic, settings.groupId());
        String whyNot = found.present() ? null : found.whyNone();
        if (found.present() && !found.snapshot().info().atOrBefore(plan.limits())) {
            SnapshotInfo info = found.snapshot().info();
            whyNot = "the snapshot " + info.snapshotId() + " in " + snapshotsTopic + " stands at " + info.byPartition()
                    + ", past where the replay stops (" + plan.limits() + ")";
        }
        if (whyNot != null) {
            if (from == SnapshotFrom.TOPIC) {
                throw new IllegalStateException(context + " no snapshot to start from in " + snapshotsTopic + ": "
                        + whyNot);
            }
            log.warn("{} no snapshot from {}: {}", context, snapshotsTopic, whyNot);
            return Optional.empty();
        }
        return Optional.of(SnapshotSeed.Start.topic(found.snapshot(), snapshotsTopic));
    }

    /** For the rebuild's result: which snapshot, and where it was read. */
    static String describe(SnapshotSeed.Start start) {
        return "snapshot " + start.info().snapshotId() + " taken at " + start.info().takenAt() + " ("
                + (start.fromTopic() ? "read back from " + start.topicName() : "from PostgreSQL") + ")";
    }
}
