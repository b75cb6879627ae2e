package dev.agentlog.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.sink.fold.BatchOverlay;
import dev.agentlog.sink.fold.LogFold;
import dev.agentlog.sink.fold.OverlayRows;
import dev.agentlog.sink.fold.ProjectionFold;
import dev.agentlog.sink.fold.ProjectionState;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.Rows;
import dev.agentlog.sink.fold.TableDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The batch writer's plan, without PostgreSQL: folding batches into a {@link BatchOverlay} over a
 * database (here a {@link ProjectionState}) and writing it the way the writer does (cascade deletes, key
 * deletes, upserts) gives the one-by-one fold. Many tries, because it is cheap; the same property
 * against PostgreSQL is {@link SinkFoldPropertyTest}.
 */
class ProjectionFoldPropertyTest {
    private final EventCodec codec = EventCodec.standard();

    @Property(tries = 1000)
    void overlayBatchesEqualTheOneByOneFold(@ForAll("logs") List<RandomLogs.Step> steps,
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 40) Integer> batchSizes) throws Exception {
        List<Event> events = new ArrayList<>();
        for (SinkRecord record : RandomLogs.build(steps, 1).records()) {
            events.add(codec.decode(record.value()));
        }

        ProjectionState database = new ProjectionState();
        Set<String> recorded = new HashSet<>();
        int from = 0;
        for (int batch = 0; from < events.size(); batch++) {
            int to = Math.min(events.size(), from + batchSizes.get(batch % batchSizes.size()));
            applyBatch(events.subList(from, to), database, recorded);
            from = to;
        }

        LogFold oneByOne = new LogFold();
        events.forEach(oneByOne::apply);
        assertThat(oneByOne.state().differencesFrom(database, 20)).isEmpty();
    }

    /** What BatchApplier does, with the database in memory. */
    private static void applyBatch(List<Event> batch, ProjectionState database, Set<String> recorded) {
        List<Event> fresh = new ArrayList<>();
        for (Event e : batch) {
            if (recorded.add(e.eventId())) {
                fresh.add(e);
            }
        }
        BatchOverlay overlay = new BatchOverlay();
        fresh.forEach(e -> ProjectionFold.declareReads(e, overlay));
        for (TableDef<?, ?> table : overlay.tablesToLoad()) {
            load(table, overlay, database);
        }
        fresh.forEach(e -> ProjectionFold.apply(e, overlay));
        for (OverlayRows<?, ?> rows : overlay.allRows()) {
            write(rows, database);
        }
    }

    private static <K, R> void load(TableDef<K, R> table, BatchOverlay overlay, ProjectionState database) {
        Map<K, R> found = new HashMap<>();
        for (K key : overlay.keysToLoad(table)) {
            R row = database.rows(table).get(key);
            if (row != null) {
                found.put(key, row);
            }
        }
        overlay.loaded(table, found);
    }

    private static <K, R> void write(OverlayRows<K, R> changes, ProjectionState database) {
        Rows<K, R> table = database.rows(changes.table());
        for (Map.Entry<Ref, Set<String>> cascade : changes.cascades().entrySet()) {
            cascade.getValue().forEach(value -> table.removeWhere(cascade.getKey(), value));
        }
        changes.deleted().forEach(table::remove);
        changes.upserts().values().forEach(table::put);
    }

    @Provide
    Arbitrary<List<RandomLogs.Step>> logs() {
        return RandomLogs.logs(80);
    }
}
