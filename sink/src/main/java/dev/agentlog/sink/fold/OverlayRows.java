package dev.agentlog.sink.fold;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One table's changes made by a batch, over the rows of that table the batch loaded first. What the
 * batch writer turns into SQL: {@link #cascades()} (DELETE ... WHERE ref = ANY), then {@link #deleted()}
 * (DELETE ... WHERE key = ANY), then {@link #upserts()} (INSERT ... ON CONFLICT DO UPDATE), each key at
 * most once. That order gives the same table as applying the batch's events one by one:
 * <ul>
 *   <li>a row the batch never touched by key is the loaded (or unloaded) database row minus the cascades,
 *       and the cascade DELETEs remove exactly those;</li>
 *   <li>a row the batch touched by key ends as {@link #upserts()} or {@link #deleted()} say, whatever a
 *       cascade DELETE did to it first.</li>
 * </ul>
 */
public final class OverlayRows<K, R> implements Rows<K, R> {
    private final TableDef<K, R> table;
    private final Map<K, R> loaded = new HashMap<>();
    /** Key -> final row, or null for deleted. */
    private final Map<K, R> changed = new LinkedHashMap<>();
    private final Map<Ref, Set<String>> cascades = new EnumMap<>(Ref.class);

    OverlayRows(TableDef<K, R> table) {
        this.table = table;
    }

    /** Records a loaded database row; {@code row} null means the key has no row in the database. */
    void loaded(K key, R row) {
        loaded.put(key, row);
    }

    @Override
    public R get(K key) {
        if (changed.containsKey(key)) {
            return changed.get(key);
        }
        if (!loaded.containsKey(key)) {
            throw new IllegalStateException(table + " " + key + " was read by the fold but not loaded first: "
                    + "ProjectionFold.declareReads must declare every key that ProjectionFold.apply reads");
        }
        R row = loaded.get(key);
        return row != null && removedByCascade(row) ? null : row;
    }

    @Override
    public void put(R row) {
        changed.put(table.keyOf(row), row);
    }

    @Override
    public void remove(K key) {
        changed.put(key, null);
    }

    @Override
    public void removeWhere(Ref ref, String value) {
        if (!table.refs().contains(ref)) {
            throw new IllegalArgumentException(table + " has no " + ref.column() + " reference");
        }
        cascades.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(value);
        for (Map.Entry<K, R> entry : changed.entrySet()) {
            R row = entry.getValue();
            if (row != null && value.equals(table.ref(row, ref))) {
                entry.setValue(null);
            }
        }
    }

    private boolean removedByCascade(R row) {
        for (Map.Entry<Ref, Set<String>> cascade : cascades.entrySet()) {
            if (cascade.getValue().contains(table.ref(row, cascade.getKey()))) {
                return true;
            }
        }
        return false;
    }

    public TableDef<K, R> table() {
        return table;
    }

    /** Values of each {@link Ref} column whose rows the batch deleted (whichever rows the database has then). */
    public Map<Ref, Set<String>> cascades() {
        return Collections.unmodifiableMap(cascades);
    }

    /** Keys whose row the batch deleted and did not put back. */
    public Set<K> deleted() {
        Set<K> keys = new LinkedHashSet<>();
        changed.forEach((key, row) -> {
            if (row == null) {
                keys.add(key);
            }
        });
        return keys;
    }

    /** The final row of every key the batch put, each key once. */
    public Map<K, R> upserts() {
        Map<K, R> rows = new LinkedHashMap<>();
        changed.forEach((key, row) -> {
            if (row != null) {
                rows.put(key, row);
            }
        });
        return rows;
    }

    public boolean isEmpty() {
        return changed.isEmpty() && cascades.isEmpty();
    }
}
