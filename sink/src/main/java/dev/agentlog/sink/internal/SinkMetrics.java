package dev.agentlog.sink.internal;

import dev.agentlog.events.EventType;
import dev.agentlog.sink.fold.ProjectionFold;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/**
 * The sink's meters, registered once (no lookups per event). Names:
 * <ul>
 *   <li>{@code agentlog.sink.events.applied} (counter, tag {@code table}): new events applied, by the table
 *       their type is about</li>
 *   <li>{@code agentlog.sink.events.duplicate} (counter): events already in {@code events}, skipped</li>
 *   <li>{@code agentlog.sink.batch.size} (summary, events): records per committed transaction</li>
 *   <li>{@code agentlog.sink.apply.latency} (timer): one committed transaction, load to commit</li>
 *   <li>{@code agentlog.sink.retries} (counter): transactions retried after a retriable failure</li>
 *   <li>{@code agentlog.sink.dead.lettered} (counter, tag {@code reason}: invalid, poison)</li>
 *   <li>{@code agentlog.sink.fenced} (counter): batches rolled back because another worker moved the offset</li>
 *   <li>{@code agentlog.sink.consumer.lag} (gauge, tags {@code topic}, {@code partition}): by {@code SinkWorker}</li>
 * </ul>
 */
public final class SinkMetrics {
    private final Map<EventType, Counter> appliedByType = new EnumMap<>(EventType.class);
    private final Counter duplicates;
    private final DistributionSummary batchSize;
    private final Timer applyLatency;
    private final Counter retries;
    private final Counter deadLetteredInvalid;
    private final Counter deadLetteredPoison;
    private final Counter fenced;

    public SinkMetrics(MeterRegistry registry) {
        for (EventType type : EventType.values()) {
            appliedByType.put(type, Counter.builder("agentlog.sink.events.applied")
                    .description("New events applied to the projections, by the table their type is about")
                    .tag("table", ProjectionFold.tableOf(type).name())
                    .register(registry));
        }
        duplicates = Counter.builder("agentlog.sink.events.duplicate")
                .description("Events already in the events table, skipped").register(registry);
        batchSize = DistributionSummary.builder("agentlog.sink.batch.size").baseUnit("events")
                .description("Records per committed transaction").register(registry);
        applyLatency = Timer.builder("agentlog.sink.apply.latency")
                .description("Time of one committed batch transaction").register(registry);
        retries = Counter.builder("agentlog.sink.retries")
                .description("Transactions retried after a retriable failure").register(registry);
        deadLetteredInvalid = Counter.builder("agentlog.sink.dead.lettered").tag("reason", "invalid")
                .description("Records sent to the dead-letter topic").register(registry);
        deadLetteredPoison = Counter.builder("agentlog.sink.dead.lettered").tag("reason", "poison")
                .description("Records sent to the dead-letter topic").register(registry);
        fenced = Counter.builder("agentlog.sink.fenced")
                .description("Batches rolled back because another worker moved the stored offset").register(registry);
    }

    public void applied(EventType type) {
        appliedByType.get(type).increment();
    }

    public void duplicates(int count) {
        duplicates.increment(count);
    }

    public void batch(int records, long nanos) {
        batchSize.record(records);
        applyLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void retried() {
        retries.increment();
    }

    public void deadLettered(String reason, int count) {
        ("poison".equals(reason) ? deadLetteredPoison : deadLetteredInvalid).increment(count);
    }

    public void fenced() {
        fenced.increment();
    }
}
