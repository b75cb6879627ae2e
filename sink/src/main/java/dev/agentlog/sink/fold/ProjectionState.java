package dev.agentlog.sink.fold;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every projection table, whole, in memory: what {@link ProjectionFold} gives when it folds a log one
 * event at a time, and what the sink's tables read back into (so the two can be compared: the
 * {@code verify} command and the sink's property test). Not thread-safe.
 */
public final class ProjectionState implements Projection {
    private final Map<TableDef<?, ?>, MemoryRows<?, ?>> tables = new LinkedHashMap<>();

    public ProjectionState() {
        Tables.ALL.forEach(table -> tables.put(table, new MemoryRows<>(table)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, R> Rows<K, R> rows(TableDef<K, R> table) {
        MemoryRows<?, ?> rows = tables.get(table);
        if (rows == null) {
            throw new IllegalArgumentException("not a projection table: " + table);
        }
        return (Rows<K, R>) rows;
    }

    /** The rows of one table by key, read-only. */
    @SuppressWarnings("unchecked")
    public <K, R> Map<K, R> table(TableDef<K, R> table) {
        return ((MemoryRows<K, R>) rows(table)).view();
    }

    public int rowCount() {
        return tables.values().stream().mapToInt(rows -> rows.view().size()).sum();
    }

    /**
     * What differs between this state (the expected one, e.g. the fold of the log) and {@code actual}
     * (e.g. the tables), at most {@code max} lines, empty when they are equal. JSON numbers compare by
     * value ({@link JsonValues}).
     */
    public List<String> differencesFrom(ProjectionState actual, int max) {
        List<String> out = new ArrayList<>();
        for (TableDef<?, ?> table : Tables.ALL) {
            compare(table, actual, out, max);
            if (out.size() >= max) {
                break;
            }
        }
        return out.size() > max ? out.subList(0, max) : out;
    }

    private <K, R> void compare(TableDef<K, R> table, ProjectionState actual, List<String> out, int max) {
        Map<K, R> expectedRows = table(table);
        Map<K, R> actualRows = actual.table(table);
        TreeSet<String> problems = new TreeSet<>();
        expectedRows.forEach((key, expected) -> {
            R found = actualRows.get(key);
            if (found == null) {
                problems.add(table + " " + key + ": missing, expected " + expected);
            } else {
                Object[] want = table.values(expected);
                Object[] got = table.values(found);
                for (int i = 0; i < want.length; i++) {
                    if (!JsonValues.sameColumn(want[i], got[i])) {
                        problems.add(table + " " + key + ": " + table.columns().get(i).name() + " expected "
                                + JsonValues.show(want[i]) + " but was " + JsonValues.show(got[i]));
                    }
                }
            }
        });
        actualRows.forEach((key, found) -> {
            if (!expectedRows.containsKey(key)) {
                problems.add(table + " " + key + ": unexpected row " + found);
            }
        });
        for (String problem : problems) {
            if (out.size() >= max) {
                return;
            }
            out.add(problem);
        }
    }
}
