package dev.agentlog.sink.internal;

import dev.agentlog.sink.fold.BatchOverlay;
import dev.agentlog.sink.fold.OverlayRows;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads what a batch's fold reads and writes what it changed, table by table, inside the caller's
 * transaction: per table the cascade DELETEs, the key DELETEs, then the rows (see {@link OverlayRows} for
 * why that order equals applying the events one by one). Tables have no foreign
 * keys to each other, so their order does not matter. Keys the {@link TargetTables} say cannot be stored are
 * neither loaded nor deleted; every key and reference value written is reported to them.
 */
public final class ProjectionWriter {
    private final Map<TableDef<?, ?>, ProjectionTableSql<?, ?>> sql = new LinkedHashMap<>();
    private final TargetTables target;

    public ProjectionWriter(String schema, int maxRowsPerStatement, TargetTables target) {
        this.target = target;
        Tables.ALL.forEach(table -> sql.put(table, new ProjectionTableSql<>(schema, table, maxRowsPerStatement)));
    }

    @SuppressWarnings("unchecked")
    private <K, R> ProjectionTableSql<K, R> sql(TableDef<K, R> table) {
        return (ProjectionTableSql<K, R>) sql.get(table);
    }

    /** Loads, with one query per table, the rows the fold declared it reads. */
    public void load(Connection c, BatchOverlay overlay) throws SQLException {
        for (TableDef<?, ?> table : overlay.tablesToLoad()) {
            load(c, overlay, table);
        }
    }

    private <K, R> void load(Connection c, BatchOverlay overlay, TableDef<K, R> table) throws SQLException {
        overlay.loaded(table, sql(table).load(c, stored(table.name(), overlay.keysToLoad(table))));
    }

    /**
     * Writes the batch's changes.
     *
     * @param conservative false: rows are replaced by DELETE of their keys and a binary COPY (fast; needs the
     *     partition's offset row lock held, see {@link EventsTable}); true: {@code INSERT ... ON CONFLICT DO
     *     UPDATE} (safe beside any writer; used to isolate a poison event)
     */
    public void write(Connection c, BatchOverlay overlay, boolean conservative) throws SQLException {
        for (OverlayRows<?, ?> rows : overlay.allRows()) {
            if (!rows.isEmpty()) {
                write(c, rows, conservative);
            }
        }
    }

    private <K, R> void write(Connection c, OverlayRows<K, R> rows, boolean conservative) throws SQLException {
        ProjectionTableSql<K, R> table = sql(rows.table());
        if (!conservative && rows.table().equals(Tables.AGENT_CONTEXT) && !rows.cascades().isEmpty()) {
            writeDifference(c, table, rows);
            return;
        }
        for (Map.Entry<Ref, Set<String>> cascade : rows.cascades().entrySet()) {
            table.deleteWhere(c, cascade.getKey(), cascade.getValue());
        }
        if (conservative) {
            table.deleteKeys(c, rows.deleted());
            table.upsert(c, rows.upserts().values());
            wrote(rows.table(), rows.upserts().values());
        } else {
            replace(table, c, rows.upserts().values(), rows.deleted());
        }
    }

    /** DELETE of the keys that may be stored (those of the rows, and {@code deleted}), then COPY of the rows. */
    private <K, R> void replace(ProjectionTableSql<K, R> table, Connection c, Collection<R> rows, Collection<K> deleted)
            throws SQLException {
        TableDef<K, R> def = table.table();
        List<K> keys = new ArrayList<>(rows.size() + deleted.size());
        for (K key : deleted) {
            if (target.mayHold(def.name(), key)) {
                keys.add(key);
            }
        }
        for (R row : rows) {
            K key = def.keyOf(row);
            if (target.mayHold(def.name(), key)) {
                keys.add(key);
            }
        }
        table.replace(c, rows, keys);
        wrote(def, rows);
    }

    /** The keys of these rows and the values of their reference columns, as written. */
    private <K, R> void wrote(TableDef<K, R> table, Collection<R> rows) {
        reportWritten(target, table, rows);
    }

    /**
     * Tells {@code target} of these rows written to {@code table} as this writer does (their keys and the values of
     * their reference columns): for rows written another way, a rebuild's snapshot seed.
     */
    public static <K, R> void reportWritten(TargetTables target, TableDef<K, R> table, Collection<R> rows) {
        for (R row : rows) {
            target.wrote(table.name(), table.keyOf(row));
            for (Ref ref : table.refs()) {
                String value = table.ref(row, ref);
                if (value != null) {
                    target.wrote(refName(table, ref), value);
                }
            }
        }
    }

    /** Those of {@code keys} that the table may hold. */
    private <K> Collection<K> stored(String table, Collection<K> keys) {
        List<K> stored = new ArrayList<>(keys.size());
        for (K key : keys) {
            if (target.mayHold(table, key)) {
                stored.add(key);
            }
        }
        return stored;
    }

    /** The name under which a reference column's values are told to the {@link TargetTables}. */
    private static String refName(TableDef<?, ?> table, Ref ref) {
        return table.name() + "." + ref.column();
    }

    /**
     * Writes only the rows that differ from the table: each {@code context.updated} replaces the agent's whole
     * window (a cascade DELETE of its rows, then every position again), while from one window to the next
     * Letta mostly appends. Rewriting whole windows was most of the sink's row writes (and dead tuples);
     * here the rows the cascades would delete are read first, and only the positions that changed are
     * deleted and copied. The same table results: rows the batch did not put are deleted, rows it put equal
     * to the stored ones stay. Only for agent_context, whose cascade value is the agent stream's own id: its
     * rows are written by that stream's partition alone, whose offset row lock this transaction holds, so
     * the rows read cannot change before the write.
     */
    private <K, R> void writeDifference(Connection c, ProjectionTableSql<K, R> table, OverlayRows<K, R> rows)
            throws SQLException {
        Map<K, R> stored = new HashMap<>();
        for (Map.Entry<Ref, Set<String>> cascade : rows.cascades().entrySet()) {
            Ref ref = cascade.getKey();
            stored.putAll(table.loadWhere(c, ref, stored(refName(rows.table(), ref), cascade.getValue())));
        }
        Map<K, R> upserts = rows.upserts();
        Set<K> deleted = new LinkedHashSet<>(rows.deleted());
        stored.keySet().forEach(key -> {
            if (!upserts.containsKey(key)) {
                deleted.add(key); // removed by a cascade, or by key
            }
        });
        List<R> changed = new ArrayList<>(upserts.size());
        upserts.forEach((key, row) -> {
            if (!row.equals(stored.get(key))) {
                changed.add(row);
            }
        });
        replace(table, c, changed, deleted);
    }
}
