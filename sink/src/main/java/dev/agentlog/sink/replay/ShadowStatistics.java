package dev.agentlog.sink.replay;

import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics for the shadow tables, which grow from empty within minutes, faster than autovacuum analyzes them:
 * without them PostgreSQL keeps the plans it made for empty tables (server-side prepared statements keep their generic
 * plan) and the batch path's DELETE by key scans the whole table, a cost that grows with the table. ANALYZE also makes
 * every session plan those statements again. During the replay a small sample is enough to tell an empty table from a
 * big one: the tables are analyzed after {@value #FIRST_ANALYZE_AT} records, then whenever ten times as many, on a
 * thread beside the lanes (on a large table it takes seconds, during which they would wait); fully at the end.
 * Used by the rebuild's thread; {@link #close} stops the background thread.
 */
final class ShadowStatistics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShadowStatistics.class);
    /** Records replayed before the shadow tables are first analyzed; then whenever ten times as many. */
    private static final long FIRST_ANALYZE_AT = 5_000;
    /** Rows ANALYZE samples per table during the replay (PostgreSQL's default is 100, i.e. 30,000 rows). */
    private static final int REPLAY_STATISTICS_TARGET = 10;
    private static final List<String> ANALYZED_TABLES = List.of("events", "agents", "messages", "agent_context", "blocks",
            "block_versions", "agent_blocks", "archives", "agent_archives", "passages", "source_rows", "conversations",
            "conversation_messages", "conversation_blocks", "agent_files", "agent_links", "sink_offsets");

    private final DataSource dataSource;
    private final String schema;
    private final String context;
    private long nextAnalyzeAt = FIRST_ANALYZE_AT;
    /** The statistics taken during the replay, in the background; null before the first. */
    private CompletableFuture<Void> analyzing;
    private ExecutorService analyzerThread;

    ShadowStatistics(DataSource dataSource, String schema, String context) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.context = context;
    }

    /** The replay has applied {@code recordsRead} records: analyzes a sample in the background when it is time. */
    void grown(long recordsRead) {
        if (recordsRead >= nextAnalyzeAt && (analyzing == null || analyzing.isDone())) {
            nextAnalyzeAt = recordsRead * 10;
            analyzing = CompletableFuture.runAsync(() -> analyze(REPLAY_STATISTICS_TARGET, recordsRead), analyzer());
        }
    }

    /** Waits for the sample being taken, if one is (its lock would hold index builds up anyway). */
    void awaitBackground() {
        if (analyzing != null) {
            analyzing.join();
        }
    }

    /** Full statistics, with the server's sample size: the tables as the live sink and readers will use them. */
    void full(long recordsRead) {
        analyze(0, recordsRead);
    }

    /** @param statisticsTarget the sample size (0: the server's default) */
    private void analyze(int statisticsTarget, long recordsRead) {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            if (statisticsTarget > 0) {
                s.execute("SET LOCAL default_statistics_target = " + statisticsTarget);
            }
            StringBuilder tables = new StringBuilder();
            for (String table : ANALYZED_TABLES) {
                tables.append(tables.length() == 0 ? "" : ", ").append(Sql.table(schema, table));
            }
            s.execute("ANALYZE " + tables);
            c.commit();
        } catch (SQLException e) {
            log.warn("{} ANALYZE of {} failed, going on without fresh statistics: {}", context, schema, e.getMessage());
        }
        log.debug("{} analyzed {} after {} records in {} ms", context, schema, recordsRead,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private ExecutorService analyzer() {
        if (analyzerThread == null) {
            analyzerThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "agentlog-rebuild-analyze");
                t.setDaemon(true);
                return t;
            });
        }
        return analyzerThread;
    }

    @Override
    public void close() {
        if (analyzerThread != null) {
            analyzerThread.shutdownNow();
        }
    }
}
