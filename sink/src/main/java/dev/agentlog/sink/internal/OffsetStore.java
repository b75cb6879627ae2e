package dev.agentlog.sink.internal;

import dev.agentlog.sink.jdbc.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's position in each partition, in {@code sink_offsets}: the next offset to apply, per
 * (consumer group, topic, partition). It moves only inside the transaction that writes the rows of the
 * records it passes, and only from the value the worker read ({@link #advance}): a worker that lost
 * its partition while a batch was in flight finds another value there, and its transaction rolls back.
 */
public final class OffsetStore {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final String group;
    private final String ensure;
    private final String select;
    private final String advance;

    public OffsetStore(String schema, String group) {
        this.group = group;
        String table = Sql.table(schema, "sink_offsets");
        this.ensure = "INSERT INTO " + table + " (consumer_group, topic, \"partition\", next_offset) VALUES (?, ?, ?, 0)"
                + " ON CONFLICT DO NOTHING";
        this.select = "SELECT next_offset FROM " + table + " WHERE consumer_group = ? AND topic = ? AND \"partition\" = ?";
        this.advance = "UPDATE " + table + " SET next_offset = ?, updated_at = now()"
                + " WHERE consumer_group = ? AND topic = ? AND \"partition\" = ? AND next_offset = ?";
    }

    /**
     * The stored next offset of each partition, creating a row at 0 (the log's beginning) for a partition
     * this group never applied. Runs in its own transaction when {@code c} is in autocommit.
     */
    public Map<TopicPartition, Long> ensureAndRead(Connection c, Collection<TopicPartition> partitions)
            throws SQLException {
        List<TopicPartition> sorted = partitions.stream().sorted(ORDER).toList();
        try (PreparedStatement ps = c.prepareStatement(ensure)) {
            for (TopicPartition tp : sorted) {
                ps.setString(1, group);
                ps.setString(2, tp.topic());
                ps.setInt(3, tp.partition());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return read(c, sorted);
    }

    public Map<TopicPartition, Long> read(Connection c, Collection<TopicPartition> partitions) throws SQLException {
        Map<TopicPartition, Long> stored = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(select)) {
            for (TopicPartition tp : partitions) {
                ps.setString(1, group);
                ps.setString(2, tp.topic());
                ps.setInt(3, tp.partition());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stored.put(tp, rs.getLong(1));
                    }
                }
            }
        }
        return stored;
    }

    /**
     * Moves each partition from its expected to its next offset, in a fixed order (so two workers never
     * deadlock on these rows); the row locks are held until the caller's transaction ends.
     *
     * @param moves partition -> {expected, next}
     * @return the first partition whose stored offset was not the expected one (the caller must roll
     *     back), or null when all moved
     */
    public TopicPartition advance(Connection c, Map<TopicPartition, long[]> moves) throws SQLException {
        List<TopicPartition> sorted = moves.keySet().stream().sorted(ORDER).toList();
        // one round trip for all partitions (the driver pipelines the batch; the server runs it in this order)
        try (PreparedStatement ps = c.prepareStatement(advance)) {
            for (TopicPartition tp : sorted) {
                long[] move = moves.get(tp);
                ps.setLong(1, move[1]);
                ps.setString(2, group);
                ps.setString(3, tp.topic());
                ps.setInt(4, tp.partition());
                ps.setLong(5, move[0]);
                ps.addBatch();
            }
            int[] updated = ps.executeBatch();
            for (int i = 0; i < updated.length; i++) {
                if (updated[i] != 1) {
                    return sorted.get(i);
                }
            }
        }
        return null;
    }

    public String group() {
        return group;
    }
}
