package dev.agentlog.sink.fold;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A batch's changes to every projection table, over the rows it loaded from PostgreSQL: the
 * {@link Projection} the sink's batch writer folds a batch into. Use: {@link ProjectionFold#declareReads}
 * for every event, load the {@link #keysToLoad} of each table, {@link #loaded} them, then
 * {@link ProjectionFold#apply} every event in log order, then write each table's {@link OverlayRows}.
 * Not thread-safe.
 */
public final class BatchOverlay implements Projection {
    private final Map<TableDef<?, ?>, OverlayRows<?, ?>> tables = new LinkedHashMap<>();
    private final Map<TableDef<?, ?>, Set<Object>> keysToLoad = new LinkedHashMap<>();

    public BatchOverlay() {
        Tables.ALL.forEach(table -> tables.put(table, new OverlayRows<>(table)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, R> OverlayRows<K, R> rows(TableDef<K, R> table) {
        OverlayRows<?, ?> rows = tables.get(table);
        if (rows == null) {
            throw new IllegalArgumentException("not a projection table: " + table);
        }
        return (OverlayRows<K, R>) rows;
    }

    public Collection<OverlayRows<?, ?>> allRows() {
        return tables.values();
    }

    /** Declares that the fold will read this key's current row. */
    public <K> void needs(TableDef<K, ?> table, K key) {
        keysToLoad.computeIfAbsent(table, t -> new LinkedHashSet<>()).add(key);
    }

    /** The keys of this table that must be loaded before the fold runs. */
    @SuppressWarnings("unchecked")
    public <K> Set<K> keysToLoad(TableDef<K, ?> table) {
        return (Set<K>) keysToLoad.getOrDefault(table, Set.of());
    }

    /** The tables with keys to load. */
    public Set<TableDef<?, ?>> tablesToLoad() {
        return keysToLoad.keySet();
    }

    /** Hands over the database rows found for {@link #keysToLoad}; keys not in {@code found} have no row. */
    public <K, R> void loaded(TableDef<K, R> table, Map<K, R> found) {
        OverlayRows<K, R> rows = rows(table);
        for (K key : keysToLoad(table)) {
            rows.loaded(key, found.get(key));
        }
    }
}
