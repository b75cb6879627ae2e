package dev.agentlog.sink.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.fold.ColumnType;
import dev.agentlog.sink.fold.JsonValues;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.jdbc.JdbcValues;
import dev.agentlog.sink.internal.ProjectionTableSql;
import dev.agentlog.sink.jdbc.Snapshots;
import dev.agentlog.sink.jdbc.Sql;
import dev.agentlog.sink.replay.VerifyReport.Difference;
import dev.agentlog.sink.replay.VerifyReport.TableCheck;
import dev.agentlog.sink.snapshot.SnapshotInfo;
import dev.agentlog.sink.snapshot.SnapshotStore;
import dev.agentlog.sink.snapshot.StateCipher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agentlog verify}: folds the log of record ({@link LogFold}: each event_id once, in log order) and
 * compares the result with the tables of a schema, table by table, row by row, column by column (values as
 * PostgreSQL keeps them: {@link JsonValues}). The tables and the sink's offsets are read in one
 * repeatable-read snapshot and the log is folded up to exactly those offsets, so a live sink may keep writing
 * meanwhile. Against Kafka, the audit table {@code events} is checked too (one row per distinct event_id, with
 * where it was read).
 *
 * <p>Memory: the fold of the whole log plus one table at a time (and, against Kafka, a 16-byte fingerprint per
 * event). Not thread-safe; one run per instance.
 */
public final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    private static final int BATCH = 10_000;
    private static final String EVENTS_COLUMNS = "event_id, stream_id, stream_seq, type, schema_version, agent_id,"
            + " organization_id, occurred_at, source, actor, payload, kafka_topic, kafka_partition, kafka_offset, tenant";
    private static final ColumnType[] EVENTS_TYPES = {ColumnType.TEXT, ColumnType.TEXT, ColumnType.BIGINT,
            ColumnType.TEXT, ColumnType.INTEGER, ColumnType.TEXT, ColumnType.TEXT, ColumnType.TIMESTAMPTZ,
            ColumnType.TEXT, ColumnType.TEXT, ColumnType.JSONB, ColumnType.TEXT, ColumnType.INTEGER,
            ColumnType.BIGINT, ColumnType.TEXT};

    private final DataSource dataSource;
    private final String schema;
    private final String groupId;
    private final int maxDifferences;
    private EventCodec codec = EventCodec.standard();
    /** Null: fold the whole log; otherwise from the newest snapshot, opened with this. */
    private StateCipher snapshots;
    private final List<Difference> differences = new ArrayList<>();
    private final String context;
    private long recordsRead;
    private long notDecodable;

    /**
     * @param groupId the sink's consumer group whose offsets say how far the tables are
     * @param maxDifferences how many differing rows to name at most
     */
    public Verifier(DataSource dataSource, String schema, String groupId, int maxDifferences) {
        SinkSettings.defaults().withSchema(schema).withGroupId(groupId);
        if (maxDifferences < 1) {
            throw new IllegalArgumentException("--max-differences must be >= 1, was " + maxDifferences);
        }
        this.dataSource = dataSource;
        this.schema = schema;
        this.groupId = groupId;
        this.maxDifferences = maxDifferences;
        this.context = "[verify " + schema + "]";
    }

    /**
     * Folds the Kafka topic and compares: from its beginning, or, after {@link #fromSnapshot}, from the state of the
     * newest snapshot at or before the tables' offsets and the tail after it (the audit table is then checked for the
     * tail's records).
     */
    public VerifyReport againstLog(LogSource source) throws SQLException {
        try (Connection c = snapshot()) {
            try {
                Map<TopicPartition, Long> offsets = offsets(c, source.topic());
                Optional<SnapshotInfo> from = snapshots == null || !SchemaSwap.hasTable(c, schema, "snapshots")
                        ? Optional.empty() : new SnapshotStore(schema).latestAtOrBefore(c, source.topic(), offsets);
                Map<TopicPartition, Long> start = new HashMap<>();
                source.partitions().forEach(tp -> start.put(tp, 0L));
                LogFold fold = new LogFold();
                if (from.isPresent()) {
                    start.putAll(from.get().positions());
                    fold = new LogFold(new SnapshotStore(schema).load(c, from.get().snapshotId(), snapshots),
                            eventIdsBelow(c, from.get())::contains);
                    log.info("{} folding from snapshot {} of {} at offsets {}", context, from.get().snapshotId(),
                            from.get().takenAt(), from.get().byPartition());
                }
                source.seek(start);
                Map<String, byte[]> expectedEvents = new HashMap<>();
                while (!source.caughtUp(offsets)) {
                    for (SinkRecord record : source.next(offsets, BATCH)) {
                        foldRecord(record, fold, expectedEvents);
                    }
                }
                List<TableCheck> checks = compareProjections(c, fold);
                checks.add(compareEvents(c, expectedEvents, from.map(SnapshotInfo::positions).orElse(Map.of())));
                return new VerifyReport(schema, "kafka:" + source.topic()
                        + from.map(s -> " from snapshot " + s.snapshotId()).orElse(""), offsets, recordsRead,
                        fold.eventsApplied(), notDecodable, checks, differences);
            } finally {
                c.rollback();
            }
        }
    }

    /** Folds the schema's own {@code events} table (in the order the sink stored it) and compares. */
    public VerifyReport againstTable(String topic) throws SQLException {
        try (Connection c = snapshot()) {
            try {
                Map<TopicPartition, Long> offsets = offsets(c, topic);
                LogFold fold = new LogFold();
                try (PreparedStatement ps = c.prepareStatement(TableLogSource.inLogOrder(Sql.table(schema, "events"),
                        "true"))) {
                    ps.setFetchSize(BATCH);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            StoredEvent row = StoredEvent.read(rs);
                            recordsRead++;
                            try {
                                fold.apply(row.toEvent(codec));
                            } catch (InvalidEventException e) {
                                notDecodable++;
                                log.warn("{} event {} in the events table does not decode: {}", context, row.eventId(),
                                        e.getMessage());
                            }
                        }
                    }
                }
                List<TableCheck> checks = compareProjections(c, fold);
                return new VerifyReport(schema, "table:" + schema + ".events", offsets, recordsRead,
                        fold.eventsApplied(), notDecodable, checks, differences);
            } finally {
                c.rollback();
            }
        }
    }

    /** Decodes the log with {@code value}: one that opens sealed payloads when encryption is on (docs/privacy.md). */
    public Verifier withCodec(EventCodec value) {
        this.codec = value;
        return this;
    }

    /**
     * Folds from the newest snapshot at or before the tables' offsets, when there is one, instead of from the log's
     * beginning ({@link #againstLog}); its streams open with {@code cipher}.
     */
    public Verifier fromSnapshot(StateCipher cipher) {
        this.snapshots = cipher;
        return this;
    }

    /** The event_ids the records below the snapshot applied (the audit rows there): the tail does not apply them again. */
    private Set<String> eventIdsBelow(Connection c, SnapshotInfo from) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, kafka_partition, kafka_offset FROM "
                + Sql.table(schema, "events") + " WHERE kafka_topic = ?")) {
            ps.setFetchSize(BATCH);
            ps.setString(1, from.topic());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (below(from.positions(), from.topic(), rs.getObject(2), rs.getObject(3))) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static boolean below(Map<TopicPartition, Long> positions, String topic, Object partition, Object offset) {
        if (!(partition instanceof Integer p) || !(offset instanceof Long o)) {
            return false;
        }
        Long position = positions.get(new TopicPartition(topic, p));
        return position != null && o < position;
    }

    private Connection snapshot() throws SQLException {
        return Snapshots.begin(dataSource.getConnection());
    }

    private Map<TopicPartition, Long> offsets(Connection c, String topic) throws SQLException {
        if (!SchemaSwap.exists(c, schema)) {
            throw new IllegalStateException(context + " schema " + schema + " does not exist (check --pg-schema)");
        }
        Map<TopicPartition, Long> offsets = SchemaSwap.offsets(c, schema, groupId, topic);
        if (offsets.isEmpty() && SchemaSwap.count(c, schema, "events") > 0) {
            throw new IllegalStateException(context + " schema " + schema + " holds events but no offsets of consumer"
                    + " group " + groupId + " for topic " + topic + " (groups there: " + SchemaSwap.groups(c, schema)
                    + "): pass the sink's --group-id (and --topic-prefix)");
        }
        return offsets;
    }

    private void foldRecord(SinkRecord record, LogFold fold, Map<String, byte[]> expectedEvents) {
        recordsRead++;
        if (record.value() == null) {
            notDecodable++;
            return;
        }
        JsonNode tree;
        Event event;
        try {
            tree = EventCodec.parse(record.value());
            event = codec.fromJson(tree);
        } catch (InvalidEventException e) {
            notDecodable++;
            return;
        }
        if (fold.apply(event)) {
            expectedEvents.put(event.eventId(), CanonicalText.md5(CanonicalText.row(eventsRow(event, tree, record))));
        }
    }

    /** The {@code events} row the sink writes for this record (payload as sent unless it was upcast). */
    private static Object[] eventsRow(Event e, JsonNode tree, SinkRecord record) {
        JsonNode version = tree.get("schema_version");
        JsonNode payload = tree.get("payload");
        if (e.payload() instanceof SealedPayload sealed && sealed.erased()) {
            payload = dev.agentlog.events.Sealing.erasedPayload(); // what the sink stores of an erased subject's event
        } else if (payload == null || version == null || version.asInt() != e.schemaVersion()) {
            payload = e.payload().toJson();
        }
        return new Object[] {e.eventId(), e.streamId(), e.streamSeq(), e.type().wireName(), e.schemaVersion(),
                e.agentId(), e.organizationId(), e.occurredAt().toInstant(), e.source(), e.actor(), payload,
                record.topic(), record.partition(), record.offset(), e.tenant()};
    }

    private List<TableCheck> compareProjections(Connection c, LogFold fold) throws SQLException {
        List<TableCheck> checks = new ArrayList<>();
        for (TableDef<?, ?> table : Tables.ALL) {
            checks.add(compare(c, table, fold));
        }
        return checks;
    }

    private <K, R> TableCheck compare(Connection c, TableDef<K, R> table, LogFold fold) throws SQLException {
        Map<K, R> expected = fold.state().table(table);
        Map<K, R> actual = new HashMap<>();
        new ProjectionTableSql<>(schema, table, 1).readAll(c, row -> actual.put(table.keyOf(row), row));
        List<byte[]> expectedDigests = new ArrayList<>(expected.size());
        List<byte[]> actualDigests = new ArrayList<>(actual.size());
        TreeMap<String, List<Difference>> found = new TreeMap<>();
        long differing = 0;
        for (Map.Entry<K, R> entry : expected.entrySet()) {
            Object[] want = table.values(entry.getValue());
            expectedDigests.add(CanonicalText.md5(CanonicalText.row(want)));
            R row = actual.get(entry.getKey());
            String key = keyText(table, entry.getKey());
            if (row == null) {
                differing++;
                found.put(key, List.of(new Difference(table.name(), key, null, CanonicalText.row(want), null)));
                continue;
            }
            Object[] got = table.values(row);
            List<Difference> columns = new ArrayList<>();
            for (int i = 0; i < want.length; i++) {
                if (!JsonValues.sameColumn(want[i], got[i])) {
                    columns.add(new Difference(table.name(), key, table.columns().get(i).name(),
                            CanonicalText.value(want[i]), CanonicalText.value(got[i])));
                }
            }
            if (!columns.isEmpty()) {
                differing++;
                found.put(key, columns);
            }
        }
        for (Map.Entry<K, R> entry : actual.entrySet()) {
            Object[] got = table.values(entry.getValue());
            actualDigests.add(CanonicalText.md5(CanonicalText.row(got)));
            if (!expected.containsKey(entry.getKey())) {
                differing++;
                String key = keyText(table, entry.getKey());
                found.put(key, List.of(new Difference(table.name(), key, null, null, CanonicalText.row(got))));
            }
        }
        keep(found);
        return new TableCheck(table.name(), expected.size(), actual.size(), CanonicalText.checksum(expectedDigests),
                CanonicalText.checksum(actualDigests), differing);
    }

    /** @param skipBelow the rows of records below these positions are not checked (those before a snapshot) */
    private TableCheck compareEvents(Connection c, Map<String, byte[]> expected, Map<TopicPartition, Long> skipBelow)
            throws SQLException {
        List<byte[]> actualDigests = new ArrayList<>();
        List<byte[]> expectedDigests = new ArrayList<>(expected.values());
        Map<String, byte[]> unmatched = new HashMap<>(expected);
        TreeMap<String, List<Difference>> found = new TreeMap<>();
        long differing = 0;
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENTS_COLUMNS + " FROM "
                + Sql.table(schema, "events"))) {
            ps.setFetchSize(BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] values = new Object[EVENTS_TYPES.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = JdbcValues.read(rs, i + 1, EVENTS_TYPES[i]);
                    }
                    if (below(skipBelow, (String) values[11], values[12], values[13])) {
                        continue;
                    }
                    rows++;
                    String text = CanonicalText.row(values);
                    byte[] digest = CanonicalText.md5(text);
                    actualDigests.add(digest);
                    String eventId = (String) values[0];
                    byte[] want = unmatched.remove(eventId);
                    if (want == null) {
                        differing++;
                        found.put(eventId, List.of(new Difference("events", eventId, null, null, text)));
                    } else if (!Arrays.equals(want, digest)) {
                        differing++;
                        found.put(eventId, List.of(new Difference("events", eventId, "(row)",
                                "another row (fingerprint " + CanonicalText.hex(want) + ")", text)));
                    }
                }
            }
        }
        for (String missing : unmatched.keySet()) {
            differing++;
            found.put(missing, List.of(new Difference("events", missing, null, "event " + missing, null)));
        }
        keep(found);
        return new TableCheck("events", expected.size(), rows, CanonicalText.checksum(expectedDigests),
                CanonicalText.checksum(actualDigests), differing);
    }

    private void keep(TreeMap<String, List<Difference>> found) {
        for (List<Difference> row : found.values()) {
            for (Difference difference : row) {
                if (differences.size() >= maxDifferences) {
                    return;
                }
                differences.add(difference);
            }
        }
    }

    private static <K> String keyText(TableDef<K, ?> table, K key) {
        Object[] values = table.keyValues(key);
        return values.length == 1 ? String.valueOf(values[0])
                : Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
}
