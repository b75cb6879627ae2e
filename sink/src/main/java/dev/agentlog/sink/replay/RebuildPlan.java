package dev.agentlog.sink.replay;

import dev.agentlog.sink.SchemaMigrator;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a rebuild starts and how far its replay goes, decided before any record is read: the live schema is checked
 * (an agentlog schema, with the live sink's offsets when it holds events), the shadow schema left by an earlier rebuild
 * is dropped or, with --resume, kept, the shadow schema is migrated, and the limits are read: the live sink's offsets,
 * or the log's end when there is no live schema.
 *
 * @param liveExists there is a live schema to swap with
 * @param resumed the shadow schema of an interrupted rebuild is kept and continued
 * @param partitions every partition of the log, the source's and those the limits name, in order
 * @param limits where the replay stops in each partition, for now (the live sink moves on)
 */
record RebuildPlan(boolean liveExists, boolean resumed, Set<TopicPartition> partitions,
        Map<TopicPartition, Long> limits) {
    private static final Logger log = LoggerFactory.getLogger(RebuildPlan.class);
    static final Comparator<TopicPartition> BY_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** @param migrations where the shadow schema's tables are made (see {@link Rebuild#withMigrationsThrough}) */
    static RebuildPlan make(DataSource dataSource, DataSource migrations, RebuildSettings settings, LogSource source,
            String context) throws SQLException {
        boolean liveExists;
        boolean resumed = false;
        String live = settings.liveSchema();
        String shadow = settings.shadowSchema();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            liveExists = SchemaSwap.exists(c, live);
            if (liveExists && !SchemaSwap.hasTable(c, live, "sink_offsets")) {
                throw new IllegalStateException(context + " schema " + live + " exists but has no sink_offsets table:"
                        + " it is not an agentlog schema (check --pg-schema)");
            }
            if (liveExists && SchemaSwap.offsets(c, live, settings.groupId(), source.topic()).isEmpty()
                    && SchemaSwap.count(c, live, "events") > 0) {
                throw new IllegalStateException(context + " schema " + live + " holds events but no offsets of consumer"
                        + " group " + settings.groupId() + " for topic " + source.topic() + " (groups there: "
                        + SchemaSwap.groups(c, live) + "): pass the live sink's --group-id (and --topic-prefix)");
            }
            if (SchemaSwap.exists(c, shadow)) {
                if (settings.resume()) {
                    resumed = true;
                    log.info("{} resuming in the shadow schema {} left by an earlier rebuild", context, shadow);
                } else {
                    log.info("{} dropping the shadow schema {} left by an earlier rebuild (--resume keeps it)", context,
                            shadow);
                    SchemaSwap.drop(c, shadow);
                }
            }
        }
        SchemaMigrator.migrate(migrations, shadow);
        Map<TopicPartition, Long> limits = liveExists ? liveOffsets(dataSource, settings, source.topic())
                : source.endOffsets();
        Set<TopicPartition> partitions = new TreeSet<>(BY_PARTITION);
        partitions.addAll(source.partitions());
        partitions.addAll(limits.keySet());
        return new RebuildPlan(liveExists, resumed, partitions, limits);
    }

    /** Records below the limits: as many as a replay from the log's beginning reads, for now. */
    long records() {
        return limits.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The live sink's next offset per partition, as of now. */
    static Map<TopicPartition, Long> liveOffsets(DataSource dataSource, RebuildSettings settings, String topic)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return new HashMap<>(SchemaSwap.offsets(c, settings.liveSchema(), settings.groupId(), topic));
        }
    }
}
