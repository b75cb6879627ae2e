package dev.agentlog.sink.internal;

import dev.agentlog.sink.fold.BatchOverlay;
import dev.agentlog.sink.fold.OverlayRows;
import dev.agentlog.sink.fold.Ref;
import dev.agentlog.sink.fold.TableDef;
import dev.agentlog.sink.fold.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Loads what a batch's fold reads and writes what it changed, table by table, inside the caller's
 * transaction: per table the cascade DELETEs, the key DELETEs, then the rows (see {@link OverlayRows} for
 * why that order equals applying the events one by one). Tables have no foreign
 * keys to each other, so their order does not matter.
 */
public final class ProjectionWriter {
    private final Map<TableDef<?, ?>, ProjectionTableSql<?, ?>> sql = new LinkedHashMap<>();

    public ProjectionWriter(String schema, int maxRowsPerStatement) {
        Tables.ALL.forEach(table -> sql.put(table, new ProjectionTableSql<>(schema, table, maxRowsPerStatement)));
    }

    @SuppressWarnings("unchecked")
    public <K, R> ProjectionTableSql<K, R> sql(TableDef<K, R> table) {
        return (ProjectionTableSql<K, R>) sql.get(table);
    }

    /** Loads, with one query per table, the rows the fold declared it reads. */
    public void load(Connection c, BatchOverlay overlay) throws SQLException {
        for (TableDef<?, ?> table : overlay.tablesToLoad()) {
            load(c, overlay, table);
        }
    }

    private <K, R> void load(Connection c, BatchOverlay overlay, TableDef<K, R> table) throws SQLException {
        overlay.loaded(table, sql(table).load(c, overlay.keysToLoad(table)));
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
        for (Map.Entry<Ref, Set<String>> cascade : rows.cascades().entrySet()) {
            table.deleteWhere(c, cascade.getKey(), cascade.getValue());
        }
        if (conservative) {
            table.deleteKeys(c, rows.deleted());
            table.upsert(c, rows.upserts().values());
        } else {
            table.replace(c, rows.upserts().values(), rows.deleted());
        }
    }
}
