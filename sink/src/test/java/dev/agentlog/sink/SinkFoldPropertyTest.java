package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import dev.agentlog.sink.internal.BatchApplier;
import dev.agentlog.sink.internal.TargetTables;
import dev.agentlog.sink.replay.ShadowTables;
import dev.agentlog.sink.replay.UniqueIndexNeeded;
import dev.agentlog.support.time.Sleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Fold = apply in batches: any log of a few streams, applied through the real sink core in random
 * batch splits against a real PostgreSQL (with the fast statements, or the conservative ones; looking up every key, or
 * only those written before, as a rebuild does, with the unique keys of events in memory until a batch needs their
 * indexes, or not), leaves tables equal to the pure fold applied one event at a
 * time (each event_id once), and {@code events} holding each event once.
 */
class SinkFoldPropertyTest {
    /** Every table the sink writes: the projections of {@link Tables#ALL}, events and the offsets. */
    private static final String TABLES = "events, sink_offsets, " + String.join(", ",
            Tables.ALL.stream().map(TableDef::name).toList());
    private static String schema;
    private final EventCodec codec = EventCodec.standard();

    @BeforeContainer
    static void createSchema() {
        schema = TestPostgres.freshSchema("property");
    }

    @BeforeTry
    void emptyTables() {
        TestPostgres.execute("TRUNCATE " + String.join(", ",
                java.util.Arrays.stream(TABLES.split(", ")).map(t -> schema + "." + t).toList()));
        addUniqueKeysOfEventsIfMissing();
    }

    /** As a rebuild defers them (DeferredIndexes): the primary key and the stream position of events. */
    private static void dropUniqueKeysOfEvents() {
        TestPostgres.execute("ALTER TABLE " + schema + ".events DROP CONSTRAINT events_pkey,"
                + " DROP CONSTRAINT events_stream_position");
    }

    /** Builds them back; fails (23505) if the in-memory keys let an event_id or a position in twice. */
    private static void addUniqueKeysOfEventsIfMissing() {
        TestPostgres.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'events_pkey'"
                + " AND connamespace = '" + schema + "'::regnamespace) THEN ALTER TABLE " + schema + ".events"
                + " ADD CONSTRAINT events_pkey PRIMARY KEY (event_id), ADD CONSTRAINT events_stream_position"
                + " UNIQUE (stream_id, stream_seq); END IF; END $$");
    }

    @Property(tries = 60)
    void tablesEqualTheOneByOneFoldWhateverTheBatchSplits(@ForAll("logs") List<RandomLogs.Step> steps,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 40) Integer> batchSizes,
            @ForAll boolean conservative, @ForAll boolean startingEmpty, @ForAll boolean deferUniqueKeys)
            throws Exception {
        TestLog log = RandomLogs.build(steps, 2);
        List<SinkRecord> records = log.records();
        // a rebuild's core: lookups only of keys it wrote itself (the tables were just emptied), and maybe the
        // unique keys of events in memory until a batch needs their indexes
        boolean deferred = startingEmpty && deferUniqueKeys;
        ShadowTables shadow = startingEmpty ? ShadowTables.startingEmpty(records.size(), deferred ? 1 << 20 : 0) : null;
        if (deferred) {
            dropUniqueKeysOfEvents();
        }
        SinkCore core = new SinkCore(TestPostgres.dataSource(), SinkSettings.defaults().withSchema(schema),
                new RecordedDeadLetters(), new SimpleMeterRegistry(), startingEmpty ? shadow : TargetTables.LIVE,
                new SinkCore.Tuning(Sleeper.SYSTEM, BatchApplier.DEFAULT_ROWS_PER_STATEMENT, conservative,
                        true));
        core.assign(log.partitions());

        int from = 0;
        for (int batch = 0; from < records.size(); batch++) {
            int to = Math.min(records.size(), from + batchSizes.get(batch % batchSizes.size()));
            try {
                core.process(records.subList(from, to));
            } catch (UniqueIndexNeeded needed) {
                // what the rebuild does: build them, then the same batch again
                addUniqueKeysOfEventsIfMissing();
                shadow.uniqueIndexesBuilt();
                core.process(records.subList(from, to));
            }
            from = to;
        }
        addUniqueKeysOfEventsIfMissing();

        LogFold fold = new LogFold();
        for (SinkRecord record : records) {
            fold.apply(codec.decode(record.value()));
        }
        ProjectionState tables = ProjectionReader.read(TestPostgres.dataSource(), schema);
        assertThat(fold.state().differencesFrom(tables, 20)).isEmpty();
        assertThat(Query.count("SELECT count(*) FROM " + schema + ".events")).isEqualTo(fold.eventsApplied());
        assertThat(Query.count("SELECT sum(next_offset) FROM " + schema + ".sink_offsets")).isEqualTo(records.size());
    }

    @Provide
    Arbitrary<List<RandomLogs.Step>> logs() {
        return RandomLogs.logs(60);
    }
}
