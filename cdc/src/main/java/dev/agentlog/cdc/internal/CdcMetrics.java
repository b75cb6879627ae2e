package dev.agentlog.cdc.internal;

import dev.agentlog.cdc.SlotWal;

import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.MappingIssues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture's meters. Tags are low-cardinality: the source table (a schema has a few dozen), the op.
 * <ul>
 *   <li>{@code agentlog.cdc.events} {table, op}: source changes whose events Kafka acknowledged (events/s is its rate)</li>
 *   <li>{@code agentlog.cdc.lag.bytes} {slot}: the source's position minus the slot's confirmed one
 *       (NaN until first measured or while the source is unreachable)</li>
 *   <li>{@code agentlog.cdc.slot.retained.bytes} {slot}: WAL the source keeps for the slot (from its restart position)</li>
 *   <li>{@code agentlog.cdc.unresolved} {table}: key-only deletes whose agent or archive was unknown (sent as row.changed)</li>
 *   <li>{@code agentlog.cdc.mapping.failures} {table}: changes a typed mapping could not map (sent as row.changed)</li>
 *   <li>{@code agentlog.cdc.too.large} {table}: events larger than --max-event-bytes, skipped</li>
 * </ul>
 */
public final class CdcMetrics implements MappingIssues, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CdcMetrics.class);
    static final long NO_LAG = Long.MIN_VALUE;

    private final MeterRegistry registry;
    private final String logPrefix;
    private final AtomicLong lagBytes = new AtomicLong(NO_LAG);
    private final AtomicLong retainedBytes = new AtomicLong(NO_LAG);
    private final AtomicLong unresolvedSeen = new AtomicLong();
    private final Gauge lagGauge;
    private final Gauge retainedGauge;

    public CdcMetrics(MeterRegistry registry, String slotName, String logPrefix) {
        this.registry = registry;
        this.logPrefix = logPrefix;
        lagGauge = Gauge.builder("agentlog.cdc.lag.bytes", lagBytes, v -> v.get() == NO_LAG ? Double.NaN : v.get())
                .tag("slot", slotName).baseUnit("bytes").strongReference(true)
                .description("WAL the replication slot holds: source position minus confirmed position")
                .register(registry);
        retainedGauge = Gauge.builder("agentlog.cdc.slot.retained.bytes", retainedBytes,
                        v -> v.get() == NO_LAG ? Double.NaN : v.get())
                .tag("slot", slotName).baseUnit("bytes").strongReference(true)
                .description("WAL the source keeps for the replication slot: source position minus the slot's restart position")
                .register(registry);
    }

    public void acknowledged(List<Change> changes) {
        for (Change change : changes) {
            Counter.builder("agentlog.cdc.events").tag("table", change.table()).tag("op", change.op().code())
                    .description("source row changes whose events Kafka acknowledged").register(registry).increment();
        }
    }

    /** The slot's latest WAL figures; null when unknown (no slot, or the source unreachable). */
    public void slotWal(dev.agentlog.cdc.SlotWal wal) {
        lagBytes.set(wal == null ? NO_LAG : wal.lagBytes());
        retainedBytes.set(wal == null ? NO_LAG : wal.retainedBytes());
    }

    public void tooLarge(String table) {
        Counter.builder("agentlog.cdc.too.large").tag("table", table).register(registry).increment();
    }

    @Override
    public void unresolved(Change change, String what) {
        Counter.builder("agentlog.cdc.unresolved").tag("table", change.table()).register(registry).increment();
        // a cascade can bring thousands at once: the first says why, the rest are counted
        if (unresolvedSeen.getAndIncrement() == 0) {
            log.warn("{} a key-only {} of {} {} does not say {}: sent as row.changed (further ones are only counted "
                    + "in agentlog.cdc.unresolved; agentlog cdc --setup gives Letta's tables REPLICA IDENTITY FULL)",
                    logPrefix, change.op(), change.table(), change.keyText(), what);
        } else {
            log.debug("{} unresolved {} of {} {}: {}", logPrefix, change.op(), change.table(), change.keyText(), what);
        }
    }

    @Override
    public void failed(Change change, RuntimeException error) {
        Counter.builder("agentlog.cdc.mapping.failures").tag("table", change.table()).register(registry).increment();
        log.warn("{} {} of {} {} at LSN {} could not be mapped to a typed event, sent as row.changed: {}", logPrefix,
                change.op(), change.table(), change.keyText(), change.position().lsnText(), error.getMessage(), error);
    }

    /** Removes the WAL gauges, so that a capture started again on the same registry measures into its own. */
    @Override
    public void close() {
        registry.remove(lagGauge);
        registry.remove(retainedGauge);
    }
}
