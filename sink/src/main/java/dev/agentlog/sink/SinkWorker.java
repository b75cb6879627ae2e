package dev.agentlog.sink;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.sink.internal.TargetTables;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.time.Sleeper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink worker: a member of the consumer group {@link SinkSettings#groupId()} that applies the log of
 * record ({@link Topics#events()}) to PostgreSQL, effectively once. Run it on a thread of its own
 * ({@link #run()} returns after {@link #close()}); run many, in one process or many, with one group id to
 * split the partitions.
 *
 * <p>Offsets: the truth is {@code sink_offsets} in PostgreSQL, written in each batch's transaction and
 * read on every assignment, where the consumer then seeks. Kafka's committed offsets are written after
 * each batch ({@code commitAsync}) for lag tooling only and never read.
 *
 * <p>Threading and ownership: {@link #run()} owns the consumer, the dead-letter producer and
 * {@link SinkCore}; rebalance callbacks run inside {@code poll} on that thread. {@link #close()} may be
 * called from any thread: it wakes the consumer up and waits for {@link #run()} to close them. The
 * DataSource and the MeterRegistry belong to the caller.
 */
public final class SinkWorker implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** Let the broker gather about this much before it answers a fetch (or wait --batch-max-wait-ms). */
    private static final int FETCH_MIN_BYTES = 256 * 1024;

    private final Topics topics;
    private final SinkSettings settings;
    private final MeterRegistry registry;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final DeadLetterSink deadLetters;
    private final SinkCore core;
    private final String context;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closeSignal = new CountDownLatch(1);
    private final Map<TopicPartition, Long> lags = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Gauge> lagGauges = new HashMap<>();
    private volatile SinkFatalException failure;
    private final Readiness.Component readiness;

    public SinkWorker(String bootstrapServers, Topics topics, SinkSettings settings, DataSource dataSource,
            MeterRegistry registry) {
        this(bootstrapServers, topics, settings, dataSource, registry, Map.of());
    }

    /**
     * @param kafkaProperties extra Kafka client properties for the consumer and the dead-letter producer
     *     (security settings, client.id, ...); the sink's own settings below win over them
     */
    public SinkWorker(String bootstrapServers, Topics topics, SinkSettings settings, DataSource dataSource,
            MeterRegistry registry, Map<String, Object> kafkaProperties) {
        this(bootstrapServers, topics, settings, dataSource, registry, kafkaProperties, EventCodec.standard());
    }

    /** @param codec decodes the records: one that opens sealed payloads when encryption is on (docs/privacy.md) */
    public SinkWorker(String bootstrapServers, Topics topics, SinkSettings settings, DataSource dataSource,
            MeterRegistry registry, Map<String, Object> kafkaProperties, EventCodec codec) {
        this(bootstrapServers, topics, settings, dataSource, registry, kafkaProperties, codec,
                new Readiness().component("sink"));
    }

    /**
     * @param readiness the process's sink component: down while this worker waits for PostgreSQL (or for the
     *     dead-letter topic), and for good when the worker stopped on a failure
     */
    public SinkWorker(String bootstrapServers, Topics topics, SinkSettings settings, DataSource dataSource,
            MeterRegistry registry, Map<String, Object> kafkaProperties, EventCodec codec,
            Readiness.Component readiness) {
        this.readiness = readiness;
        this.topics = topics;
        this.settings = settings;
        this.registry = registry;
        this.context = "[sink " + settings.groupId() + "]";
        this.consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers, settings, kafkaProperties));
        this.deadLetters = new KafkaDeadLetterSink(bootstrapServers, topics.dlq(), kafkaProperties);
        // a backoff ends early when close() is called, so that a stop never waits for a long retry
        this.core = new SinkCore(dataSource, settings, deadLetters, registry, TargetTables.LIVE,
                SinkCore.Tuning.DEFAULT.withSleeper(Sleeper.until(closeSignal)).withCodec(codec)
                        .withReadiness(readiness));
    }

    static Properties consumerProperties(String bootstrapServers, SinkSettings settings,
            Map<String, Object> kafkaProperties) {
        Properties props = new Properties();
        props.putAll(kafkaProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // the processor writes transactionally: never apply records of an aborted transaction
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // offsets live in PostgreSQL with the rows; Kafka's are committed by hand, for lag tooling only
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a rebalance moves only the partitions that change owner; the others keep flowing
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // one poll = at most one batch = one transaction
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.batchMaxEvents());
        // a quiet log answers after --batch-max-wait-ms, a busy one as soon as a batch's worth is there
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, settings.batchMaxWaitMs());
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, FETCH_MIN_BYTES);
        // Never jump: the stored offsets (sink_offsets) decide where to read, and one below the log's start means that
        // retention dropped records this schema never applied; skipping to the start would lose them silently. The
        // worker stops instead (see run), and a rebuild from a snapshot recovers (docs/replay.md, "A safe retention
        // policy"). A new partition's row says 0, which a log that still holds its beginning has.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return props;
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            if (closing.get()) {
                return; // closed before it ran
            }
            throw new IllegalStateException(context + " run() was already called; one worker runs once");
        }
        try {
            if (closing.get()) {
                return;
            }
            consumer.subscribe(List.of(topics.events()), new Rebalance());
            log.info("{} started on {} (schema {}, batches of at most {} events)", context, topics.events(),
                    settings.schema(), settings.batchMaxEvents());
            while (!closing.get()) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL_TIMEOUT);
                updateLags();
                if (!polled.isEmpty()) {
                    apply(polled);
                }
            }
        } catch (WakeupException e) {
            if (!closing.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            if (closing.get()) {
                // close() cut a poll, a retry or a rebalance short: nothing was committed past the stored offsets
                log.info("{} stopped while busy: {}", context, e.toString());
                return;
            }
            SinkFatalException fatal = fatalCause(e);
            if (fatal == null && e instanceof org.apache.kafka.clients.consumer.InvalidOffsetException invalid) {
                fatal = new SinkFatalException(context + " the log of record no longer holds the next records of "
                        + invalid.partitions() + " (retention dropped them before this sink applied them: the tables"
                        + " would miss them, so nothing is skipped). Rebuild from a snapshot whose positions the log"
                        + " still holds (agentlog rebuild; docs/replay.md, \"A safe retention policy\")", e);
            }
            if (fatal == null) {
                fatal = new SinkFatalException(context + " stopped by an unexpected failure: " + e, e);
            }
            failure = fatal;
            readiness.down(context, "the worker stopped: see the log");
            log.error("{} stopping: {}", context, fatal.getMessage(), fatal);
            throw fatal;
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    private void apply(ConsumerRecords<byte[], byte[]> polled) {
        List<SinkRecord> batch = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> r : polled) {
            batch.add(new SinkRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp(),
                    r.headers()));
        }
        BatchResult result = core.process(batch);
        result.seek().forEach(consumer::seek);
        if (!result.committed().isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>();
            result.committed().forEach((tp, offset) -> kafkaOffsets.put(tp, new OffsetAndMetadata(offset)));
            consumer.commitAsync(kafkaOffsets, (offsets, e) -> {
                if (e != null) {
                    log.debug("{} informational Kafka commit failed (offsets live in PostgreSQL): {}", context,
                            e.toString());
                }
            });
        }
    }

    private void updateLags() {
        for (TopicPartition tp : lagGauges.keySet()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                lags.put(tp, lag.getAsLong());
            }
        }
    }

    /** The failure that stopped {@link #run()}, if one did. */
    public SinkFatalException failure() {
        return failure;
    }

    /** Wakes the consumer up and waits (bounded) until {@link #run()} has closed the clients. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeSignal.countDown();
        if (started.compareAndSet(false, true)) {
            closeClients();
            stopped.countDown();
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} s (a batch still retrying?); its transaction, if any, will not"
                        + " commit past a new owner's offsets", context, CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeClients() {
        try {
            consumer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("{} closing the consumer failed: {}", context, e.toString());
        }
        deadLetters.close();
        lagGauges.values().forEach(registry::remove);
        lagGauges.clear();
        log.info("{} stopped", context);
    }

    private static SinkFatalException fatalCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SinkFatalException fatal) {
                return fatal;
            }
        }
        return null;
    }

    /** Reads stored offsets and seeks on assignment; forgets partitions on revocation or loss. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> stored = core.assign(partitions);
            stored.forEach(consumer::seek);
            for (TopicPartition tp : partitions) {
                lagGauges.computeIfAbsent(tp, p -> Gauge.builder("agentlog.sink.consumer.lag", lags,
                                m -> m.getOrDefault(p, 0L).doubleValue())
                        .description("Records of the partition not yet applied by this worker")
                        .tag("topic", p.topic()).tag("partition", Integer.toString(p.partition()))
                        .register(registry));
            }
            log.info("{} assigned {} at stored offsets {}; now holding {}", context, partitions, stored,
                    consumer.assignment());
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            forget(partitions);
            log.info("{} revoked {}; now holding {}", context, partitions, core.positions().keySet());
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
            log.warn("{} lost {} (left the group: a batch in flight cannot commit past its new owner)", context,
                    partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            core.revoke(partitions);
            for (TopicPartition tp : partitions) {
                Gauge gauge = lagGauges.remove(tp);
                if (gauge != null) {
                    registry.remove(gauge);
                }
                lags.remove(tp);
            }
        }
    }
}
