package dev.agentlog.sink.fold;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One projection table: its name, its columns (key columns first, in the order of {@link #values}),
 * how to get a row's key, and its {@link Ref} columns. The SQL of the batch writer and of the table
 * reader is derived from this one definition, so the in-memory fold and the tables cannot drift apart.
 * The definitions are the constants of {@link Tables}.
 *
 * @param <K> the key: a String for one key column, a record for several
 * @param <R> the row record
 */
public final class TableDef<K, R> {
    private final String name;
    private final List<Column> columns;
    private final int keyColumnCount;
    private final Function<R, K> keyOf;
    private final Function<K, Object[]> keyValues;
    private final Function<R, Object[]> values;
    private final Function<Object[], R> fromValues;
    private final Map<Ref, Function<R, String>> refs;
    /** The refs and their columns as lists: a row's refs are read for every row written, a map's views cost more. */
    private final List<Ref> refList;
    private final List<Function<R, String>> refColumns;

    TableDef(String name, List<Column> columns, int keyColumnCount, Function<R, K> keyOf,
            Function<K, Object[]> keyValues, Function<R, Object[]> values, Function<Object[], R> fromValues,
            Map<Ref, Function<R, String>> refs) {
        this.name = name;
        this.columns = List.copyOf(columns);
        this.keyColumnCount = keyColumnCount;
        this.keyOf = keyOf;
        this.keyValues = keyValues;
        this.values = values;
        this.fromValues = fromValues;
        this.refs = Map.copyOf(refs);
        this.refList = List.copyOf(this.refs.keySet());
        this.refColumns = refList.stream().map(this.refs::get).toList();
    }

    /** The unqualified table name, as in the migrations. */
    public String name() {
        return name;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<Column> keyColumns() {
        return columns.subList(0, keyColumnCount);
    }

    public K keyOf(R row) {
        return keyOf.apply(row);
    }

    /** The key's column values, in the order of {@link #keyColumns()}. */
    public Object[] keyValues(K key) {
        return keyValues.apply(key);
    }

    /** The row's column values, in the order of {@link #columns()}. */
    public Object[] values(R row) {
        return values.apply(row);
    }

    /** The row of these column values (as {@link #values} gives them). */
    public R fromValues(Object[] columnValues) {
        if (columnValues.length != columns.size()) {
            throw new IllegalArgumentException(name + " has " + columns.size() + " columns, got "
                    + columnValues.length + " values: " + Arrays.toString(columnValues));
        }
        return fromValues.apply(columnValues);
    }

    public List<Ref> refs() {
        return refList;
    }

    /** The value of the row's {@code ref} column. */
    public String ref(R row, Ref ref) {
        for (int i = 0; i < refList.size(); i++) {
            if (refList.get(i).equals(ref)) {
                return refColumns.get(i).apply(row);
            }
        }
        throw new IllegalArgumentException(name + " has no " + ref.column() + " reference");
    }

    public Column refColumn(Ref ref) {
        if (!refs.containsKey(ref)) {
            throw new IllegalArgumentException(name + " has no " + ref.column() + " reference");
        }
        return columns.stream().filter(c -> c.name().equals(ref.column())).findFirst().orElseThrow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableDef<?, ?> other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
