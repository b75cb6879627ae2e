package dev.agentlog.sink.fold;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
    /**
     * Ref column -> value -> keys of {@link #changed} whose row (not null) has that value: lets
     * {@link #removeWhere} find the rows of an agent without scanning every row of the batch (a batch of
     * context.updated events would otherwise scan the whole table's changes once per event).
     */
    private final Map<Ref, Map<String, Set<K>>> changedByRef = new EnumMap<>(Ref.class);

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
        K key = table.keyOf(row);
        unindex(key, changed.put(key, row));
        for (Ref ref : table.refs()) {
            String value = table.ref(row, ref);
            if (value != null) {
                changedByRef.computeIfAbsent(ref, r -> new HashMap<>())
                        .computeIfAbsent(value, v -> new HashSet<>()).add(key);
            }
        }
    }

    @Override
    public void remove(K key) {
        unindex(key, changed.put(key, null));
    }

    private void unindex(K key, R previous) {
        if (previous == null) {
            return;
        }
        for (Ref ref : table.refs()) {
            String value = table.ref(previous, ref);
            Map<String, Set<K>> byValue = value == null ? null : changedByRef.get(ref);
            Set<K> keys = byValue == null ? null : byValue.get(value);
            if (keys != null) {
                keys.remove(key);
            }
        }
    }

    @Override
    public void removeWhere(Ref ref, String value) {
        if (!table.refs().contains(ref)) {
            throw new IllegalArgumentException(table + " has no " + ref.column() + " reference");
        }
        cascades.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(value);
        Map<String, Set<K>> byValue = changedByRef.get(ref);
        Set<K> keys = byValue == null ? null : byValue.remove(value);
        if (keys != null) {
            for (K key : List.copyOf(keys)) {
                remove(key);
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
