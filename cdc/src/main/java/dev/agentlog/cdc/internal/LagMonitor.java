package dev.agentlog.cdc.internal;

import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SlotWal;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches what the slot costs the source, on its own thread and connection: every few seconds the WAL it holds
 * ({@code agentlog.cdc.slot.retained.bytes}, from the slot's restart position) and how far capture's confirmed
 * position is behind ({@code agentlog.cdc.lag.bytes}); every {@code --wal-report-interval-ms} a log line with both; past
 * {@code --wal-warn-bytes} a warning when it crosses and at every report while over. The source's disk is what a
 * stopped or stuck capture fills, and a quiet one should be seen releasing it.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);
    static final long INTERVAL_MS = 5_000;

    private final SourceConnection connection;
    private final CdcSettings settings;
    private final CdcMetrics metrics;
    private final String logPrefix;
    private final WalAlarm alarm;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "agentlog-cdc-lag");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing;
    private volatile SlotWal last;

    public LagMonitor(SourceConnection connection, CdcSettings settings, CdcMetrics metrics, String logPrefix) {
        this.connection = connection;
        this.settings = settings;
        this.metrics = metrics;
        this.logPrefix = logPrefix;
        this.alarm = new WalAlarm(settings.walWarnBytes());
    }

    public LagMonitor start() {
        scheduler.scheduleWithFixedDelay(this::measure, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
        if (settings.walReportIntervalMs() > 0) {
            scheduler.scheduleAtFixedRate(this::report, settings.walReportIntervalMs(), settings.walReportIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    void measure() {
        try {
            Optional<SlotWal> wal = connection.run(c -> SlotWal.measure(c, settings.slotName()));
            last = wal.orElse(null);
            metrics.slotWal(last);
            failing = false;
            wal.ifPresent(w -> {
                switch (alarm.measured(w.retainedBytes())) {
                    case WARN -> warn(w);
                    case BACK_UNDER -> log.info("{} the slot holds {} of WAL again, under --wal-warn-bytes {}", logPrefix,
                            bytes(w.retainedBytes()), bytes(settings.walWarnBytes()));
                    default -> { }
                }
            });
        } catch (SQLException | RuntimeException e) {
            metrics.slotWal(null);
            if (!failing) {
                log.warn("{} cannot measure the slot's WAL: {}", logPrefix, e.getMessage());
            }
            failing = true;
        }
    }

    void report() {
        SlotWal w = last;
        if (w == null) {
            return;
        }
        if (alarm.report() == WalAlarm.Say.WARN) {
            warn(w);
        } else {
            log.info("{} the slot holds {} of WAL on the source; capture has confirmed all but {} (wal_status {})",
                    logPrefix, bytes(w.retainedBytes()), bytes(w.lagBytes()), w.walStatus());
        }
    }

    private void warn(SlotWal w) {
        log.warn("{} THE SLOT HOLDS {} OF WAL ON THE SOURCE, over --wal-warn-bytes {} (confirmed position {} behind, "
                + "wal_status {}): the source's disk fills while this grows. Is capture stuck or far behind (see "
                + "agentlog.cdc.events)? If capture is stopped for good, run agentlog cdc --drop-slot", logPrefix,
                bytes(w.retainedBytes()), bytes(settings.walWarnBytes()), bytes(w.lagBytes()), w.walStatus());
    }

    static String bytes(long n) {
        if (n < 1024 * 1024) {
            return n + " B";
        }
        return n < 1L << 30 ? String.format("%.1f MiB", n / (1024.0 * 1024)) : String.format("%.2f GiB", n / (double) (1L << 30));
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
