package dev.agentlog.sink.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.ProjectionReader;
import dev.agentlog.sink.Query;
import dev.agentlog.sink.RandomLogsAccess;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.TestPostgres;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.TargetTables;
import dev.agentlog.sink.snapshot.SnapshotTaker;
import dev.agentlog.sink.snapshot.SnapshotTopicReader.TopicSnapshot;
import dev.agentlog.sink.snapshot.StateCipher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.TopicPartition;

/**
 * A rebuild from a snapshot through the fast paths of a fresh rebuild (the seed tells the {@link ShadowTables} every key
 * it wrote: the Bloom filter of written keys skips lookups of keys never written, the unique keys of events are kept in
 * memory) gives exactly the tables of one that looks every key up (the shadow treated as resumed, as before): for any
 * log of a few streams in two partitions (re-deliveries, erasures, shared blocks, cascades across streams) cut
 * anywhere, a live sink applies the prefix and a snapshot is taken of it (then seeded from PostgreSQL with the live
 * events rows, or as read back from the topic, without them), the tail is replayed through the real sink core in
 * random batch splits against a real PostgreSQL, both ways. Every table compared row by row: the projections, events
 * (without recorded_at), the offsets, the snapshot tables. Each also equals the fold of the whole log when the seed
 * kept the events rows below the snapshot (without them, a re-delivery across the snapshot is new to the tail).
 */
class SeededFastPathPropertyTest {
    private static final String GROUP = "seed-fast";
    private static String live;
    private final EventCodec codec = EventCodec.standard();

    @BeforeContainer
    static void createSchema() {
        live = TestPostgres.freshSchema("seedfast");
    }

    @Property(tries = 40)
    void theFastPathGivesWhatLookingEveryKeyUpGives(@ForAll("logs") List<RandomLogsAccess.Step> steps,
            @ForAll @IntRange(min = 0, max = 100) int cutPercent,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 30) Integer> batchSizes,
            @ForAll boolean fromTopic, @ForAll boolean keysInMemory) throws Exception {
        List<SinkRecord> records = RandomLogsAccess.build(steps, 2);
        Assume.that(!records.isEmpty()); // only re-deliveries of nothing: no log to take a snapshot of
        int cut = Math.max(1, records.size() * cutPercent / 100);
        SnapshotSeed.Start start = liveSinkAndSnapshot(records.subList(0, cut), fromTopic);
        List<SinkRecord> tail = records.subList(cut, records.size());

        List<String> slow = rebuild(start, ShadowTables.resumed(), false, tail, batchSizes);
        List<String> fast = rebuild(start, ShadowTables.startingEmpty(records.size(), keysInMemory ? 1 << 20 : 0), true,
                tail, batchSizes);
        assertThat(fast).containsExactlyElementsOf(slow);

        if (!fromTopic) { // the shadow holds the fast rebuild's tables
            LogFold fold = new LogFold();
            for (SinkRecord r : records) {
                fold.apply(codec.decode(r.value()));
            }
            assertThat(fold.state().differencesFrom(ProjectionReader.read(TestPostgres.dataSource(), shadow()), 20))
                    .isEmpty();
            assertThat(Query.rows("SELECT count(*) FROM " + shadow() + ".events"))
                    .containsExactly(Long.toString(fold.eventsApplied()));
        }
    }

    /** The live schema emptied, the prefix applied by a live sink, a snapshot taken of it. */
    private SnapshotSeed.Start liveSinkAndSnapshot(List<SinkRecord> prefix, boolean fromTopic) throws Exception {
        TestPostgres.execute("DROP SCHEMA IF EXISTS " + live + " CASCADE");
        SchemaMigrator.migrate(TestPostgres.dataSource(), live);
        SinkCore core = new SinkCore(TestPostgres.dataSource(), settings(live), new CountingDeadLetters("live"),
                new SimpleMeterRegistry(), TargetTables.LIVE, true);
        core.assign(partitions());
        core.process(prefix);
        SnapshotTaker.Taken taken = new SnapshotTaker(TestPostgres.dataSource(), live, GROUP, RandomLogsAccess.topic(),
                StateCipher.PLAIN).take(Instant.parse("2026-12-07T01:00:00Z"));
        if (!fromTopic) {
            return SnapshotSeed.Start.postgres(taken.info());
        }
        List<String[]> subjects = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        taken.records().forEach(r -> {
            subjects.add(new String[] {r.streamId(), r.subject()});
            values.add(r.value());
        });
        return SnapshotSeed.Start.topic(new TopicSnapshot(taken.info(), subjects, values), "agentlog.snapshots");
    }

    /** A rebuild's steps, as {@link Rebuild} runs them, with one lane; returns every row of the shadow schema. */
    /** @param fast the tables started empty but for the seed (its keys told); otherwise every key is looked up */
    private List<String> rebuild(SnapshotSeed.Start start, ShadowTables tables, boolean fast, List<SinkRecord> tail,
            List<Integer> batchSizes) throws Exception {
        RebuildSettings settings = new RebuildSettings(live, GROUP, RebuildSettings.DEFAULT_BATCH_MAX_EVENTS,
                RebuildSettings.DEFAULT_LOCK_TIMEOUT_MS, RebuildSettings.DEFAULT_SWAP_ATTEMPTS, false, false, 1);
        TestPostgres.execute("DROP SCHEMA IF EXISTS " + shadow() + " CASCADE");
        SchemaMigrator.migrate(TestPostgres.dataSource(), shadow());
        ShadowIndexes indexes = new ShadowIndexes(TestPostgres.dataSource(), shadow(), tables, "[test]");
        indexes.defer(!fast);
        SnapshotSeed.seed(TestPostgres.dataSource(), settings, start, StateCipher.PLAIN, tables, !start.fromTopic(),
                "[test]");
        SinkCore core = new SinkCore(TestPostgres.dataSource(), settings(shadow()), new CountingDeadLetters("shadow"),
                new SimpleMeterRegistry(), tables, true);
        core.assign(partitions());
        int from = 0;
        for (int batch = 0; from < tail.size(); batch++) {
            int to = Math.min(tail.size(), from + batchSizes.get(batch % batchSizes.size()));
            try {
                core.process(tail.subList(from, to));
            } catch (UniqueIndexNeeded needed) {
                indexes.buildUniqueKeys(needed, from); // what the lanes do: build them, then the same batch again
                core.process(tail.subList(from, to));
            }
            from = to;
        }
        indexes.buildAll(); // fails (23505) if the fast path let an event_id or a position in twice
        return rows(shadow());
    }

    private static List<String> rows(String schema) {
        List<String> all = new ArrayList<>();
        Set<String> tables = new TreeSet<>(Tables.ALL.stream().map(TableDef::name).toList());
        tables.addAll(List.of("sink_offsets", "snapshots", "snapshot_streams"));
        for (String table : tables) {
            // when the offsets moved is not part of the result
            Query.rows("SELECT (to_jsonb(t) - 'updated_at')::text FROM " + schema + "." + table + " t ORDER BY 1")
                    .forEach(row -> all.add(table + ": " + row));
        }
        Query.rows("SELECT (to_jsonb(t) - 'recorded_at')::text FROM " + schema + ".events t ORDER BY 1")
                .forEach(row -> all.add("events: " + row));
        return all;
    }

    private static String shadow() {
        return live + RebuildSettings.SHADOW_SUFFIX;
    }

    private static SinkSettings settings(String schema) {
        return SinkSettings.defaults().withSchema(schema).withGroupId(GROUP);
    }

    private static List<TopicPartition> partitions() {
        return List.of(new TopicPartition(RandomLogsAccess.topic(), 0), new TopicPartition(RandomLogsAccess.topic(), 1));
    }

    @Provide
    Arbitrary<List<RandomLogsAccess.Step>> logs() {
        return RandomLogsAccess.logs(60);
    }
}
