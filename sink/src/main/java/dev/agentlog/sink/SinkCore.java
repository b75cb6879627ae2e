package dev.agentlog.sink;

import dev.agentlog.events.DeadLetterReason;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Refusal;
import dev.agentlog.events.SealedPayload;
import dev.agentlog.sink.internal.BatchApplier;
import dev.agentlog.sink.internal.DecodedRecord;
import dev.agentlog.sink.internal.LocatedValue;
import dev.agentlog.sink.internal.ErasedInBatch;
import dev.agentlog.sink.internal.PoisonException;
import dev.agentlog.sink.internal.Retrier;
import dev.agentlog.sink.internal.SinkMetrics;
import dev.agentlog.sink.internal.TargetTables;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.retry.Retry;
import dev.agentlog.support.time.Sleeper;
import io.micrometer.core.instrument.MeterRegistry;
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
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink without Kafka: what a worker does with its partitions and the batches it polls. Keeps the
 * next offset it expects for each assigned partition (read from {@code sink_offsets} on assignment),
 * decodes each record once, dead-letters records that do not decode, applies the rest in one
 * transaction per batch, and on a failure:
 * <ul>
 *   <li>retriable (PostgreSQL unreachable, restarting, serialization failure): the same transaction again,
 *       bounded, with backoff; never skipping an event;</li>
 *   <li>poison (PostgreSQL refuses an event's data): the batch is split in halves until the one bad event
 *       is alone; it is dead-lettered (reason {@code poison}) and the rest is applied;</li>
 *   <li>fenced (the stored offset is not the expected one: another worker took the partition): rolled back,
 *       the stored offsets are read again and returned in {@link BatchResult#seek()};</li>
 *   <li>fatal: {@link SinkFatalException}, with what to do.</li>
 * </ul>
 * Threading: one thread (the consumer's; rebalance callbacks run inside poll on that thread).
 */
public final class SinkCore {
    private static final Logger log = LoggerFactory.getLogger(SinkCore.class);
    /** Below this many records a batch is decoded on the calling thread (forking costs more than it saves). */
    private static final int PARALLEL_DECODE_MIN = 256;

    private final DataSource dataSource;
    private final SinkSettings settings;
    private final DeadLetterSink deadLetters;
    private final EventCodec codec;
    private final BatchApplier applier;
    private final SinkMetrics metrics;
    private final Retrier retrier;
    private final String context;
    private final boolean alwaysConservative;
    private final boolean parallelDecode;
    /** The next offset this worker expects in each partition it holds. */
    private final Map<TopicPartition, Long> expected = new HashMap<>();

    /** A live sink's core: it writes the tables of {@link SinkSettings#schema()}, which anyone may write too. */
    public SinkCore(DataSource dataSource, SinkSettings settings, DeadLetterSink deadLetters, MeterRegistry registry) {
        this(dataSource, settings, deadLetters, registry, TargetTables.LIVE, Tuning.DEFAULT);
    }

    /**
     * A core writing tables that {@code target} knows more about than a live schema's (a rebuild's shadow schema: see
     * {@code dev.agentlog.sink.replay.ShadowTables}); whatever it throws stops {@link #process} before the batch commits.
     *
     * @param parallelDecode decode large batches on the common pool too (false when several cores run side by side
     *     already: they would only wait for each other's decoding)
     */
    public SinkCore(DataSource dataSource, SinkSettings settings, DeadLetterSink deadLetters, MeterRegistry registry,
            TargetTables target, boolean parallelDecode) {
        this(dataSource, settings, deadLetters, registry, target, Tuning.DEFAULT.withParallelDecode(parallelDecode));
    }

    /** As above, decoding with {@code codec} (one that opens sealed payloads: docs/privacy.md). */
    public SinkCore(DataSource dataSource, SinkSettings settings, DeadLetterSink deadLetters, MeterRegistry registry,
            TargetTables target, boolean parallelDecode, EventCodec codec) {
        this(dataSource, settings, deadLetters, registry, target,
                Tuning.DEFAULT.withParallelDecode(parallelDecode).withCodec(codec));
    }

    /**
     * How a core works, where it is not the default: for the worker (whose backoffs end when it closes), tests and
     * measurements.
     *
     * @param sleeper how backoffs wait
     * @param rowsPerStatement rows per multi-row statement of the conservative path
     * @param alwaysConservative use the conservative statements (ON CONFLICT) for every batch, not only to
     *     isolate poison
     * @param parallelDecode decode batches of {@value #PARALLEL_DECODE_MIN} records or more on the common pool too
     */
    record Tuning(Sleeper sleeper, int rowsPerStatement, boolean alwaysConservative, boolean parallelDecode,
            EventCodec codec, Readiness.Component readiness) {
        static final Tuning DEFAULT = new Tuning(Sleeper.SYSTEM, BatchApplier.DEFAULT_ROWS_PER_STATEMENT,
                false, true, EventCodec.standard(), null);

        Tuning(Sleeper sleeper, int rowsPerStatement, boolean alwaysConservative, boolean parallelDecode) {
            this(sleeper, rowsPerStatement, alwaysConservative, parallelDecode, EventCodec.standard(), null);
        }

        Tuning withSleeper(Sleeper newSleeper) {
            return new Tuning(newSleeper, rowsPerStatement, alwaysConservative, parallelDecode, codec, readiness);
        }

        Tuning withParallelDecode(boolean value) {
            return new Tuning(sleeper, rowsPerStatement, alwaysConservative, value, codec, readiness);
        }

        /** @param value the codec records are decoded with: one that opens sealed payloads when encryption is on */
        Tuning withCodec(EventCodec value) {
            return new Tuning(sleeper, rowsPerStatement, alwaysConservative, parallelDecode, value, readiness);
        }

        /** @param value the component marked down while PostgreSQL (or the dead-letter topic) is being waited for */
        Tuning withReadiness(Readiness.Component value) {
            return new Tuning(sleeper, rowsPerStatement, alwaysConservative, parallelDecode, codec, value);
        }
    }

    SinkCore(DataSource dataSource, SinkSettings settings, DeadLetterSink deadLetters, MeterRegistry registry,
            TargetTables target, Tuning tuning) {
        this.alwaysConservative = tuning.alwaysConservative();
        this.parallelDecode = tuning.parallelDecode();
        // an opened payload is read as a clear one is: its jsonb values located in the plaintext, stored as they came
        this.codec = tuning.codec().parsingOpenedWith(LocatedValue::parsePayload);
        this.dataSource = dataSource;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.metrics = new SinkMetrics(registry);
        this.context = "[sink " + settings.groupId() + "]";
        this.applier = new BatchApplier(dataSource, settings.schema(), settings.groupId(), metrics,
                tuning.rowsPerStatement(), target);
        Readiness.Component readiness = tuning.readiness() != null ? tuning.readiness()
                : new Readiness().component("sink"); // nobody asks: a core without a worker (a rebuild, a test)
        this.retrier = new Retrier(context, settings.schema(), settings.retryPolicy(), tuning.sleeper(), metrics,
                readiness);
    }

    /**
     * Takes partitions over: reads (creating at 0 when missing) their stored next offsets, which become the
     * offsets this worker expects and where the consumer must seek.
     */
    public Map<TopicPartition, Long> assign(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, Long> stored = postgres("reading stored offsets of " + partitions, () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                return applier.offsets().ensureAndRead(c, partitions);
            }
        });
        expected.putAll(stored);
        return stored;
    }

    /** Lets partitions go (revoked or lost): their records are no longer applied by this worker. */
    public void revoke(Collection<TopicPartition> partitions) {
        partitions.forEach(expected::remove);
    }

    /** The next offset this worker expects per partition it holds. */
    public Map<TopicPartition, Long> positions() {
        return Map.copyOf(expected);
    }

    /**
     * Applies one polled batch (records of the partitions this worker holds, each partition in offset order).
     * Records of partitions it does not hold, or below the expected offset, are ignored (already applied).
     */
    public BatchResult process(List<SinkRecord> records) {
        List<SinkRecord> toApply = new ArrayList<>(records.size());
        Map<TopicPartition, Long> next = new HashMap<>();
        for (SinkRecord record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            Long from = next.containsKey(tp) ? next.get(tp) : expected.get(tp);
            if (from == null || record.offset() < from) {
                continue;
            }
            next.put(tp, record.offset() + 1);
            toApply.add(record);
        }
        List<DecodedRecord> batch = ErasedInBatch.apply(decode(toApply), codec);
        List<DeadLetter> invalid = new ArrayList<>();
        for (DecodedRecord decoded : batch) {
            if (!decoded.hasEvent()) {
                invalid.add(new DeadLetter(decoded.record(), decoded.refusal()));
            }
        }
        if (batch.isEmpty()) {
            return new BatchResult(Map.of(), Map.of(), 0, 0, 0);
        }
        Progress progress = new Progress();
        if (!invalid.isEmpty()) {
            sendDeadLetters(invalid);
            progress.deadLettered += invalid.size();
        }
        // slices no larger than a batch: a poll may hand over more when a rebalance merged fetches
        for (int from = 0; from < batch.size() && !progress.fenced; from += settings.batchMaxEvents()) {
            applySplittingPoison(batch.subList(from, Math.min(batch.size(), from + settings.batchMaxEvents())),
                    alwaysConservative, progress);
        }
        Map<TopicPartition, Long> seek = Map.of();
        if (progress.fenced) {
            seek = reread(partitionsOf(batch), progress.fencedAt);
        }
        return new BatchResult(progress.committed, seek, progress.applied, progress.duplicates, progress.deadLettered);
    }

    /**
     * Decodes the records; decoding is pure and half the sink's CPU, so large batches are spread over the cores
     * PostgreSQL is not using now. With encryption on (docs/privacy.md) opening reads the subjects' data keys from
     * PostgreSQL: a lost connection there is retried like any PostgreSQL work, and a key store that does not know a
     * subject stops the sink, naming it. Without a key store, a sealed payload stops the sink too: it would fold nothing.
     */
    private List<DecodedRecord> decode(List<SinkRecord> records) {
        if (!codec.opens()) {
            List<DecodedRecord> batch = decodeAll(records);
            for (DecodedRecord decoded : batch) {
                if (decoded.hasEvent() && decoded.event().payload() instanceof SealedPayload) {
                    throw new SinkFatalException(context + " " + decoded.record() + " holds a sealed payload (event "
                            + decoded.event().eventId() + "): the log is encrypted; start the sink with --kek-file"
                            + " (docs/privacy.md). Nothing was applied.", null);
                }
            }
            return batch;
        }
        return postgres("reading the data keys of " + records.size() + " records", () -> {
            try {
                codec.prefetch(subjectsOf(records));
                return decodeAll(records);
            } catch (RuntimeException e) {
                for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                    if (cause instanceof SQLException sql) {
                        throw sql;
                    }
                }
                throw new SinkFatalException(context + " " + e.getMessage() + ". Nothing was applied.", e);
            }
        });
    }

    /** The record keys: the streams, so the subjects of nearly all the batch's events (docs/privacy.md, "Subjects"). */
    private static Set<String> subjectsOf(List<SinkRecord> records) {
        Set<String> out = new LinkedHashSet<>();
        for (SinkRecord record : records) {
            if (record.key() != null) {
                out.add(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private List<DecodedRecord> decodeAll(List<SinkRecord> records) {
        return (parallelDecode && records.size() >= PARALLEL_DECODE_MIN ? records.parallelStream() : records.stream())
                .map(record -> DecodedRecord.decode(record, codec)).toList();
    }

    /**
     * Applies the slice. On poison: halves it (each half with the conservative statements, which fail only
     * because of their own data) until the bad event is alone, dead-letters it and applies the rest.
     */
    private void applySplittingPoison(List<DecodedRecord> slice, boolean conservative, Progress progress) {
        if (progress.fenced) {
            return;
        }
        BatchApplier.Outcome outcome;
        try {
            outcome = postgresOrPoison(slice, conservative);
        } catch (PoisonException poison) {
            List<Integer> withEvents = new ArrayList<>();
            for (int i = 0; i < slice.size(); i++) {
                if (slice.get(i).hasEvent()) {
                    withEvents.add(i);
                }
            }
            if (withEvents.size() <= 1 && !conservative) {
                applySplittingPoison(slice, true, progress);
            } else if (withEvents.size() <= 1) {
                refusePoison(slice, withEvents, poison, progress);
            } else {
                int middle = withEvents.get(withEvents.size() / 2);
                applySplittingPoison(slice.subList(0, middle), true, progress);
                applySplittingPoison(slice.subList(middle, slice.size()), true, progress);
            }
            return;
        }
        if (outcome instanceof BatchApplier.Applied applied) {
            expected.putAll(applied.nextOffsets());
            progress.committed.putAll(applied.nextOffsets());
            progress.applied += applied.newEvents();
            progress.duplicates += applied.duplicates();
        } else if (outcome instanceof BatchApplier.Fenced fenced) {
            metrics.fenced();
            progress.fenced = true;
            progress.fencedAt = fenced;
        }
    }

    private void refusePoison(List<DecodedRecord> slice, List<Integer> withEvents, PoisonException poison,
            Progress progress) {
        if (withEvents.isEmpty()) {
            // only offsets moved and PostgreSQL still refused: not an event's fault
            throw new SinkFatalException(context + " PostgreSQL refused a transaction without events: "
                    + SqlFailures.advice(poison.failure(), settings.schema()), poison.failure());
        }
        int index = withEvents.get(0);
        DecodedRecord bad = slice.get(index);
        SQLException failure = poison.failure();
        Refusal refusal = Refusal.of(DeadLetterReason.POISON,
                "SQLSTATE " + SqlFailures.sqlState(failure) + ": " + failure.getMessage());
        log.warn("{} {} event {} ({}) refused by PostgreSQL, sending it to the dead-letter topic: {}", context,
                bad.record(), bad.event().eventId(), bad.event().type(), refusal.rule());
        sendDeadLetters(List.of(new DeadLetter(bad.record(), refusal)));
        progress.deadLettered++;
        List<DecodedRecord> rest = new ArrayList<>(slice);
        rest.set(index, DecodedRecord.refused(bad.record(), refusal));
        applySplittingPoison(rest, true, progress);
    }

    private BatchApplier.Outcome postgresOrPoison(List<DecodedRecord> slice, boolean conservative)
            throws PoisonException {
        Map<TopicPartition, Long> from = new HashMap<>(expected);
        return retrier.postgres("applying " + slice.size() + " records from " + slice.get(0).record(),
                () -> applier.apply(slice, from, conservative));
    }

    private void sendDeadLetters(List<DeadLetter> letters) {
        retrier.kafka("sending " + letters.size() + " record(s) to the dead-letter topic", () -> {
            deadLetters.send(letters);
            return null;
        });
        letters.forEach(letter -> metrics.deadLettered(letter.reason().wireName(), 1));
    }

    private Map<TopicPartition, Long> reread(Set<TopicPartition> partitions, BatchApplier.Fenced fencedAt) {
        Map<TopicPartition, Long> stored = postgres("reading stored offsets after a fence", () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                return applier.offsets().read(c, partitions);
            }
        });
        Map<TopicPartition, Long> seek = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Long offset = stored.get(tp);
            if (offset == null || !expected.containsKey(tp)) {
                continue;
            }
            Long was = expected.put(tp, offset);
            seek.put(tp, offset);
            if (tp.equals(fencedAt.partition()) && offset == fencedAt.attemptedNext()) {
                log.info("{} {}: a commit whose outcome was unknown (connection lost) had committed; continuing at {}",
                        context, tp, offset);
            } else if (!offset.equals(was)) {
                log.warn("{} {}: stored offset is {} but this worker expected {}: another worker applied it; "
                        + "batch rolled back, seeking to {}", context, tp, offset, was, offset);
            }
        }
        return seek;
    }

    private static Set<TopicPartition> partitionsOf(List<DecodedRecord> batch) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (DecodedRecord r : batch) {
            partitions.add(new TopicPartition(r.record().topic(), r.record().partition()));
        }
        return partitions;
    }

    private <T> T postgres(String what, Retry.Attempt<T> attempt) {
        try {
            return retrier.postgres(what, attempt);
        } catch (PoisonException e) {
            throw new SinkFatalException(context + " " + what + ": " + SqlFailures.advice(e.failure(), settings.schema()),
                    e.failure());
        }
    }

    /** Counts of one {@link #process} call. */
    private static final class Progress {
        final Map<TopicPartition, Long> committed = new LinkedHashMap<>();
        int applied;
        int duplicates;
        int deadLettered;
        boolean fenced;
        BatchApplier.Fenced fencedAt;
    }
}
