package dev.agentlog.ingest.cdc.internal;

import dev.agentlog.ingest.cdc.SourceDatabase;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, every few seconds on its own thread and connection, how much WAL the slot holds on the source
 * ({@code pg_current_wal_lsn() - confirmed_flush_lsn}) into {@code agentlog.cdc.lag.bytes}.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);
    static final long INTERVAL_MS = 5_000;

    private final SourceConnection connection;
    private final String slotName;
    private final CdcMetrics metrics;
    private final String logPrefix;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "agentlog-cdc-lag");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing;

    public LagMonitor(SourceConnection connection, String slotName, CdcMetrics metrics, String logPrefix) {
        this.connection = connection;
        this.slotName = slotName;
        this.metrics = metrics;
        this.logPrefix = logPrefix;
    }

    public LagMonitor start() {
        scheduler.scheduleWithFixedDelay(this::measure, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    void measure() {
        try {
            metrics.lag(connection.run(c -> SourceDatabase.lagBytes(c, slotName)).orElse(null));
            failing = false;
        } catch (SQLException | RuntimeException e) {
            metrics.lag(null);
            if (!failing) {
                log.warn("{} cannot measure the slot's lag: {}", logPrefix, e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
    }
}
