package dev.agentlog.processor;

import dev.agentlog.events.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor's meters. Counters are shared by every task of the instance (Micrometer meters are
 * thread-safe); the held gauge sums what each task reports. Names, for dashboards and alerts:
 * <ul>
 *   <li>{@value #PASSED}: events written to the log of record</li>
 *   <li>{@value #DUPLICATES}: repeats of an event_id (or of a stream position with the same event_id) dropped</li>
 *   <li>{@value #CONFLICTS}: stream positions claimed by a second event_id (also counted in
 *       {@value #DEAD_LETTERED})</li>
 *   <li>{@value #HELD}: events held back behind a missing stream position (counter, every hold)</li>
 *   <li>{@value #WAITING}: events waiting behind a gap now (gauge)</li>
 *   <li>{@value #GAPS_EXPIRED}: gaps given up after the gap timeout (one per stream and expiry)</li>
 *   <li>{@value #DEAD_LETTERED}{@code {reason}}: records sent to the dead-letter topic, by reason</li>
 * </ul>
 */
public final class ProcessorMetrics {
    public static final String PASSED = "agentlog.processor.events.passed";
    public static final String DUPLICATES = "agentlog.processor.events.duplicates";
    public static final String CONFLICTS = "agentlog.processor.events.conflicts";
    public static final String HELD = "agentlog.processor.events.held";
    public static final String WAITING = "agentlog.processor.events.waiting";
    public static final String GAPS_EXPIRED = "agentlog.processor.gaps.expired";
    public static final String DEAD_LETTERED = "agentlog.processor.events.dead_lettered";
    public static final String REASON_TAG = "reason";

    private final Counter passed;
    private final Counter duplicates;
    private final Counter conflicts;
    private final Counter held;
    private final Counter gapsExpired;
    private final Map<DeadLetterReason, Counter> deadLettered = new EnumMap<>(DeadLetterReason.class);
    /** One count per task processor: a task that is closed, or re-initialised after a crash, cannot skew the sum. */
    private final Map<Object, AtomicLong> waiting = new ConcurrentHashMap<>();

    public ProcessorMetrics(MeterRegistry registry) {
        passed = Counter.builder(PASSED).description("events written to the log of record").register(registry);
        duplicates = Counter.builder(DUPLICATES).description("repeated events dropped").register(registry);
        conflicts = Counter.builder(CONFLICTS).description("stream positions claimed by another event_id")
                .register(registry);
        held = Counter.builder(HELD).description("events held back behind a missing stream position")
                .register(registry);
        gapsExpired = Counter.builder(GAPS_EXPIRED).description("gaps given up after the gap timeout")
                .register(registry);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettered.put(reason, Counter.builder(DEAD_LETTERED).tag(REASON_TAG, reason.wireName())
                    .description("records sent to the dead-letter topic").register(registry));
        }
        // A gauge is bound to one object: a processor restarted in the same JVM takes the gauge over.
        Gauge previous = registry.find(WAITING).gauge();
        if (previous != null) {
            registry.remove(previous);
        }
        Gauge.builder(WAITING, waiting, ProcessorMetrics::sum).description("events waiting behind a gap now")
                .strongReference(true).register(registry);
    }

    public void passed() {
        passed.increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void conflict() {
        conflicts.increment();
    }

    /** One more event held back behind a gap. */
    public void held() {
        held.increment();
    }

    /** The count of events waiting in one task, summed into the {@value #WAITING} gauge until untracked. */
    public AtomicLong trackWaiting(Object task) {
        AtomicLong count = new AtomicLong();
        waiting.put(task, count);
        return count;
    }

    public void untrackWaiting(Object task) {
        waiting.remove(task);
    }

    private static double sum(Map<Object, AtomicLong> counts) {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public void gapExpired() {
        gapsExpired.increment();
    }

    public void deadLettered(DeadLetterReason reason) {
        deadLettered.get(reason).increment();
    }
}
