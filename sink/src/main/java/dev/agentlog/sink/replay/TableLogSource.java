package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of record read back from the audit table {@code events} of a schema, for when the topic's
 * retention was shorter than forever ({@code --from-table}). Each row becomes the record it was read from
 * (topic, partition, offset from its {@code kafka_*} columns; value = the event as JSON,
 * {@link StoredEvent#toJsonBytes()}). Order: {@link #inLogOrder}; order key: {@code recorded_at} in
 * milliseconds. The table holds each event_id once: re-deliveries and dead-lettered records are not there,
 * which a replay does not need.
 *
 * <p>Reads with a server-side cursor on a connection of its own (autocommit off): each call of {@link #next}
 * after the previous cursor ran dry opens a new one for the rows between the positions and the limits, so
 * rows the live sink commits meanwhile are seen; the transaction ends when a cursor runs dry (so that no lock
 * is held on the table the swap renames). Rows without a Kafka position (not written by the sink) cannot be
 * placed in the log and are not replayed ({@link #rowsWithoutPosition()}).
 */
public final class TableLogSource implements LogSource {
    private static final Logger log = LoggerFactory.getLogger(TableLogSource.class);
    private static final int FETCH_SIZE = 5_000;

    private final DataSource dataSource;
    private final String schema;
    private final String table;
    private final String topic;
    private final String context;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Connection connection;
    private PreparedStatement statement;
    private ResultSet cursor;
    /** The row read from the cursor but not handed out yet (it lies after a window's end), with its order key. */
    private StoredEvent pending;
    private long pendingKey;
    /** The limits of the open cursor. */
    private Map<TopicPartition, Long> cursorLimits;
    /** The limits of the last cursor that ran dry: every row below them was returned. */
    private Map<TopicPartition, Long> exhaustedAt;

    /**
     * @param schema the schema whose {@code events} table is read
     * @param topic the log of record's topic; rows read from another topic are not replayed
     */
    public TableLogSource(DataSource dataSource, String schema, String topic) {
        SinkSettings.defaults().withSchema(schema); // the same name check as everywhere
        this.dataSource = dataSource;
        this.schema = schema;
        this.table = Sql.table(schema, "events");
        this.topic = topic;
        this.context = "[replay " + schema + ".events]";
    }

    /**
     * {@code SELECT} of the rows matching {@code where}, in log order, with {@code recorded_at} as a last extra
     * column: by {@code recorded_at} (the sink's transaction: the order the sink applied its batches), then,
     * within one transaction, partitions merged by occurred_at, each partition kept in offset order (the
     * running maximum of occurred_at grows with the offset); then partition, offset.
     */
    static String inLogOrder(String table, String where) {
        return "SELECT " + StoredEvent.COLUMNS + ", recorded_at FROM (SELECT e.*, max(e.occurred_at) OVER (PARTITION BY"
                + " e.kafka_partition ORDER BY e.kafka_offset) AS running_occurred_at FROM " + table + " e WHERE " + where
                + ") x ORDER BY recorded_at, running_occurred_at, kafka_partition, kafka_offset";
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
    public long estimate(Map<TopicPartition, Long> from, Map<TopicPartition, Long> limits) {
        long[] total = {0};
        for (Map.Entry<TopicPartition, Long> limit : limits.entrySet()) {
            long start = from.getOrDefault(limit.getKey(), 0L);
            if (start >= limit.getValue()) {
                continue;
            }
            queryWith("SELECT count(*) FROM " + table + " WHERE kafka_topic = ? AND kafka_partition = ?"
                    + " AND kafka_offset >= ? AND kafka_offset < ?", ps -> {
                        ps.setString(1, topic);
                        ps.setInt(2, limit.getKey().partition());
                        ps.setLong(3, start);
                        ps.setLong(4, limit.getValue());
                    }, rs -> total[0] += rs.getLong(1));
        }
        return total[0];
    }

    /** Rows of the table that have no Kafka position: they are not replayed. */
    public long rowsWithoutPosition() {
        long[] count = {0};
        queryWith("SELECT count(*) FROM " + table + " WHERE kafka_topic IS NULL OR kafka_partition IS NULL"
                + " OR kafka_offset IS NULL", ps -> { }, rs -> count[0] = rs.getLong(1));
        return count[0];
    }

    @Override
    public void seek(Map<TopicPartition, Long> start) {
        closeCursor();
        pending = null;
        positions.clear();
        positions.putAll(start);
        exhaustedAt = null;
        long without = rowsWithoutPosition();
        if (without > 0) {
            log.warn("{} {} row(s) have no Kafka position (not written by the sink): they cannot be placed in the log"
                    + " and are not replayed", context, without);
        }
    }

    @Override
    public List<SinkRecord> next(Map<TopicPartition, Long> limits, int max, long until) {
        List<SinkRecord> out = new ArrayList<>(Math.min(max, FETCH_SIZE));
        try {
            while (out.size() < max && peek(limits)) {
                if (pendingKey > until) {
                    break;
                }
                TopicPartition tp = new TopicPartition(topic, pending.kafkaPartition());
                positions.put(tp, pending.kafkaOffset() + 1);
                out.add(pending.toSinkRecord());
                pending = null;
            }
            return out;
        } catch (SQLException e) {
            closeCursor();
            throw new IllegalStateException(context + " reading the events table failed: " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong nextOrderKey(Map<TopicPartition, Long> limits) {
        try {
            return peek(limits) ? OptionalLong.of(pendingKey) : OptionalLong.empty();
        } catch (SQLException e) {
            closeCursor();
            throw new IllegalStateException(context + " reading the events table failed: " + e.getMessage(), e);
        }
    }

    @Override
    public LogSource subset(Set<TopicPartition> partitions) {
        // a lane passes only its own partitions' limits, and only those are read
        return new TableLogSource(dataSource, schema, topic);
    }

    @Override
    public boolean caughtUp(Map<TopicPartition, Long> limits) {
        return pending == null && cursor == null && (covers(exhaustedAt, limits) || !anyBelow(limits));
    }

    /** Makes {@link #pending} the next row below the limits, reading (and opening a cursor) as needed. */
    private boolean peek(Map<TopicPartition, Long> limits) throws SQLException {
        if (pending != null) {
            return true;
        }
        if (cursor == null) {
            if (caughtUp(limits)) {
                return false;
            }
            open(limits);
            if (cursor == null) {
                return false;
            }
        }
        if (!cursor.next()) {
            exhaustedAt = cursorLimits;
            closeCursor();
            return false;
        }
        pending = StoredEvent.read(cursor);
        OffsetDateTime recorded = cursor.getObject(StoredEvent.COLUMN_COUNT + 1, OffsetDateTime.class);
        pendingKey = recorded.toInstant().toEpochMilli();
        return true;
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
        }
        statement = connection.prepareStatement(inLogOrder(table, "kafka_topic = ? AND (" + where + ")"));
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

    private void closeCursor() {
        try {
            if (cursor != null) {
                cursor.close();
            }
            if (statement != null) {
                statement.close();
            }
            if (connection != null) {
                // end the transaction: it must not hold a lock on the table (a swap renames it, --drop-old drops it)
                connection.commit();
            }
        } catch (SQLException e) {
            log.debug("{} closing a cursor: {}", context, e.toString());
        }
        cursor = null;
        statement = null;
    }

    private void query(String sql, RowHandler handler) {
        queryWith(sql, ps -> ps.setString(1, topic), handler);
    }

    private void queryWith(String sql, Binder binder, RowHandler handler) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
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
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
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
