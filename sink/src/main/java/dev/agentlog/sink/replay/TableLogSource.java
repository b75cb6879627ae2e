package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of record read back from the audit table {@code events} of a schema, for when the topic's
 * retention was shorter than forever ({@code --from-table}). Each row becomes the record it was read from
 * (topic, partition, offset from its {@code kafka_*} columns; value = the event as JSON,
 * {@link StoredEvent#toJsonBytes()}). Order: {@code recorded_at} (the sink's transaction, so the order the
 * live sink applied its batches), then partition and offset. The table holds each event_id once:
 * re-deliveries and dead-lettered records are not there, which a replay does not need.
 *
 * <p>Reads with a server-side cursor on a connection of its own (autocommit off): each call of {@link #next}
 * after the previous cursor ran dry opens a new one for the rows between the positions and the limits, so
 * rows the live sink commits meanwhile are seen. Rows without a Kafka position (not written by the sink)
 * cannot be placed in the log and are skipped, counted in {@link #skippedWithoutPosition()}.
 */
public final class TableLogSource implements LogSource {
    private static final Logger log = LoggerFactory.getLogger(TableLogSource.class);
    private static final int FETCH_SIZE = 5_000;

    private final DataSource dataSource;
    private final String table;
    private final String topic;
    private final String context;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Connection connection;
    private PreparedStatement statement;
    private ResultSet cursor;
    /** The limits of the open cursor. */
    private Map<TopicPartition, Long> cursorLimits;
    /** The limits of the last cursor that ran dry: every row below them was returned. */
    private Map<TopicPartition, Long> exhaustedAt;
    private long skippedWithoutPosition;

    /**
     * @param schema the schema whose {@code events} table is read
     * @param topic the log of record's topic; rows read from another topic are not replayed
     */
    public TableLogSource(DataSource dataSource, String schema, String topic) {
        SinkSettings.defaults().withSchema(schema); // the same name check as everywhere
        this.dataSource = dataSource;
        this.table = Sql.table(schema, "events");
        this.topic = topic;
        this.context = "[replay " + schema + ".events]";
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Set<TopicPartition> partitions() {
        Set<TopicPartition> found = new LinkedHashSet<>();
        query("SELECT DISTINCT kafka_partition FROM " + table + " WHERE kafka_topic = ? AND kafka_partition IS NOT NULL"
                + " ORDER BY 1", rs -> found.add(new TopicPartition(topic, rs.getInt(1))));
        return found;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets() {
        Map<TopicPartition, Long> ends = new HashMap<>();
        query("SELECT kafka_partition, max(kafka_offset) + 1 FROM " + table + " WHERE kafka_topic = ?"
                + " AND kafka_partition IS NOT NULL GROUP BY kafka_partition",
                rs -> ends.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2)));
        return ends;
    }

    @Override
    public void seek(Map<TopicPartition, Long> start) {
        closeCursor();
        positions.clear();
        positions.putAll(start);
        exhaustedAt = null;
    }

    @Override
    public List<SinkRecord> next(Map<TopicPartition, Long> limits, int max) {
        try {
            if (cursor == null) {
                if (caughtUp(limits)) {
                    return List.of();
                }
                open(limits);
                if (cursor == null) {
                    return List.of();
                }
            }
            List<SinkRecord> out = new ArrayList<>(Math.min(max, FETCH_SIZE));
            while (out.size() < max) {
                if (!cursor.next()) {
                    exhaustedAt = cursorLimits;
                    closeCursor();
                    break;
                }
                StoredEvent row = StoredEvent.read(cursor);
                if (row.kafkaPartition() == null || row.kafkaOffset() == null) {
                    skippedWithoutPosition++;
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, row.kafkaPartition());
                positions.put(tp, row.kafkaOffset() + 1);
                out.add(row.toSinkRecord());
            }
            return out;
        } catch (SQLException e) {
            closeCursor();
            throw new IllegalStateException(context + " reading the events table failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean caughtUp(Map<TopicPartition, Long> limits) {
        return cursor == null && (covers(exhaustedAt, limits) || !anyBelow(limits));
    }

    private static boolean covers(Map<TopicPartition, Long> exhausted, Map<TopicPartition, Long> limits) {
        if (exhausted == null) {
            return false;
        }
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            if (limit.getValue() > exhausted.getOrDefault(limit.getKey(), 0L)) {
                return false;
            }
        }
        return true;
    }

    /** Rows of the table that had no Kafka position, skipped so far. */
    public long skippedWithoutPosition() {
        return skippedWithoutPosition;
    }

    private boolean anyBelow(Map<TopicPartition, Long> limits) {
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            if (positions.getOrDefault(limit.getKey(), 0L) < limit.getValue()) {
                return true;
            }
        }
        return false;
    }

    private void open(Map<TopicPartition, Long> limits) throws SQLException {
        List<TopicPartition> ranges = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            TopicPartition tp = limit.getKey();
            if (!tp.topic().equals(topic) || positions.getOrDefault(tp, 0L) >= limit.getValue()) {
                continue;
            }
            where.append(ranges.isEmpty() ? "" : " OR ")
                    .append("(kafka_partition = ? AND kafka_offset >= ? AND kafka_offset < ?)");
            ranges.add(tp);
        }
        if (ranges.isEmpty()) {
            exhaustedAt = Map.copyOf(limits);
            return;
        }
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false); // a cursor (fetch size) needs a transaction
            countRowsWithoutPosition();
        }
        String sql = "SELECT " + StoredEvent.COLUMNS + " FROM " + table + " WHERE kafka_topic = ? AND (" + where
                + ") ORDER BY recorded_at, kafka_partition, kafka_offset";
        connection.commit(); // a new snapshot: see what the live sink committed since the last cursor
        statement = connection.prepareStatement(sql);
        statement.setFetchSize(FETCH_SIZE);
        int i = 1;
        statement.setString(i++, topic);
        for (TopicPartition tp : ranges) {
            statement.setInt(i++, tp.partition());
            statement.setLong(i++, positions.getOrDefault(tp, 0L));
            statement.setLong(i++, limits.get(tp));
        }
        cursor = statement.executeQuery();
        cursorLimits = Map.copyOf(limits);
    }

    private void countRowsWithoutPosition() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + table
                + " WHERE kafka_topic IS NULL OR kafka_partition IS NULL OR kafka_offset IS NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long count = rs.getLong(1);
            if (count > 0) {
                skippedWithoutPosition = count;
                log.warn("{} {} row(s) have no Kafka position (not written by the sink): they cannot be placed in"
                        + " the log and are not replayed", context, count);
            }
        }
    }

    private void closeCursor() {
        try {
            if (cursor != null) {
                cursor.close();
            }
            if (statement != null) {
                statement.close();
            }
        } catch (SQLException e) {
            log.debug("{} closing a cursor: {}", context, e.toString());
        }
        cursor = null;
        statement = null;
    }

    private void query(String sql, RowHandler handler) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(context + " " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    @Override
    public void close() {
        closeCursor();
        if (connection != null) {
            try {
                connection.rollback();
                connection.close();
            } catch (SQLException e) {
                log.debug("{} closing: {}", context, e.toString());
            }
            connection = null;
        }
    }
}
