package dev.agentlog.sink.fold;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A whole table in memory, with an index per {@link Ref} column so that cascades do not scan the table. */
final class MemoryRows<K, R> implements Rows<K, R> {
    private final TableDef<K, R> table;
    private final Map<K, R> rows = new HashMap<>();
    private final Map<Ref, Map<String, Set<K>>> indexes = new EnumMap<>(Ref.class);

    MemoryRows(TableDef<K, R> table) {
        this.table = table;
        table.refs().forEach(ref -> indexes.put(ref, new HashMap<>()));
    }

    @Override
    public R get(K key) {
        return rows.get(key);
    }

    @Override
    public void put(R row) {
        K key = table.keyOf(row);
        R old = rows.put(key, row);
        if (old != null) {
            unindex(key, old);
        }
        indexes.forEach((ref, index) -> {
            String value = table.ref(row, ref);
            if (value != null) {
                index.computeIfAbsent(value, v -> new HashSet<>()).add(key);
            }
        });
    }

    @Override
    public void remove(K key) {
        R old = rows.remove(key);
        if (old != null) {
            unindex(key, old);
        }
    }

    @Override
    public void removeWhere(Ref ref, String value) {
        Map<String, Set<K>> index = indexes.get(ref);
        if (index == null) {
            throw new IllegalArgumentException(table + " has no " + ref.column() + " reference");
        }
        Set<K> keys = index.get(value);
        if (keys != null) {
            new ArrayList<>(keys).forEach(this::remove);
        }
    }

    private void unindex(K key, R old) {
        indexes.forEach((ref, index) -> {
            String value = table.ref(old, ref);
            Set<K> keys = value == null ? null : index.get(value);
            if (keys != null) {
                keys.remove(key);
                if (keys.isEmpty()) {
                    index.remove(value);
                }
            }
        });
    }

    Map<K, R> view() {
        return Collections.unmodifiableMap(rows);
    }
}
