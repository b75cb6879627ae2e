package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.internal.BatchApplier;
import dev.agentlog.sink.internal.WrittenKeys;
import dev.agentlog.sink.fold.ProjectionState;
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
 * only those written before, as a rebuild does), leaves tables equal to the pure fold applied one event at a
 * time (each event_id once), and {@code events} holding each event once.
 */
class SinkFoldPropertyTest {
    private static final String TABLES = "events, agents, messages, agent_context, blocks, block_versions, "
            + "agent_blocks, archives, agent_archives, passages, source_rows, sink_offsets";
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
    }

    @Property(tries = 60)
    void tablesEqualTheOneByOneFoldWhateverTheBatchSplits(@ForAll("logs") List<RandomLogs.Step> steps,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 40) Integer> batchSizes,
            @ForAll boolean conservative, @ForAll boolean startingEmpty) throws Exception {
        TestLog log = RandomLogs.build(steps, 2);
        List<SinkRecord> records = log.records();
        SinkCore core = new SinkCore(TestPostgres.dataSource(), SinkSettings.defaults().withSchema(schema),
                new RecordedDeadLetters(), new SimpleMeterRegistry(), new SinkCore.Tuning(dev.agentlog.sink.internal.Retrier.Sleeper.THREAD_SLEEP,
                        BatchApplier.DEFAULT_ROWS_PER_STATEMENT, conservative,
                        // a rebuild's core: lookups only of keys it wrote itself (the tables were just emptied)
                        startingEmpty ? WrittenKeys.startingEmpty(1000) : WrittenKeys.ANY));
        core.assign(log.partitions());

        int from = 0;
        for (int batch = 0; from < records.size(); batch++) {
            int to = Math.min(records.size(), from + batchSizes.get(batch % batchSizes.size()));
            core.process(records.subList(from, to));
            from = to;
        }

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
