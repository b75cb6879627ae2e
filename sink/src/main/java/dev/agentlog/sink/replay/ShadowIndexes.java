package dev.agentlog.sink.replay;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow schema's deferred indexes over one replay ({@link DeferredIndexes} is their SQL): dropped before the
 * replay (the unique keys of {@code events} too while the {@link ShadowTables} keep them in memory), the unique keys
 * built early when a batch needs them, everything built at the end. Used by the rebuild's thread, while no lane is in
 * a transaction.
 */
final class ShadowIndexes {
    private static final Logger log = LoggerFactory.getLogger(ShadowIndexes.class);
    /** Builds at a time at the end: one per core of a small machine, and within a pool of workers + 2 connections. */
    private static final int PARALLEL_BUILDS = 2;

    private final DataSource dataSource;
    private final String schema;
    private final ShadowTables tables;
    private final String context;

    ShadowIndexes(DataSource dataSource, String schema, ShadowTables tables, String context) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.tables = tables;
        this.context = context;
    }

    /**
     * Drops the indexes to defer; when {@code resumed}, builds the unique keys an interrupted rebuild may have deferred
     * (a resumed one looks every key up, in them).
     */
    void defer(boolean resumed) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            int deferred = DeferredIndexes.defer(c, schema, tables.uniqueKeysInMemory());
            log.debug("{} {} indexes of {} deferred to the end of the replay{}", context, deferred, schema,
                    tables.uniqueKeysInMemory() ? ", the unique keys of events kept in memory meanwhile" : "");
        }
        if (resumed) {
            DeferredIndexes.restoreUniqueKeys(dataSource, schema);
        }
    }

    /** Builds the deferred unique keys of the shadow's events, which decide from now on. */
    void buildUniqueKeys(UniqueIndexNeeded needed, long recordsRead) throws SQLException {
        if (!tables.uniqueKeysInMemory()) {
            throw new IllegalStateException(context + " a batch needs the unique indexes of events, which exist", needed);
        }
        long t0 = System.nanoTime();
        DeferredIndexes.restoreUniqueKeys(dataSource, schema);
        tables.uniqueIndexesBuilt();
        log.info("{} built the unique keys of {}.events after {} records ({}), in {} ms; the replay goes on through them",
                context, schema, recordsRead, needed.getMessage(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** Builds every deferred index. */
    void buildAll() throws SQLException {
        DeferredIndexes.restore(dataSource, schema, PARALLEL_BUILDS);
        tables.uniqueIndexesBuilt();
    }
}
