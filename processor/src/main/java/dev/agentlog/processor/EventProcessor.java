package dev.agentlog.processor;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.kafka.KafkaFailures;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as a running Kafka Streams application: {@code in()} to the log of record and the dead-letter
 * topic ({@link ProcessorTopology}). Several instances with the same application id share the partitions.
 *
 * <p>Lifecycle: construct, {@link #start()} once (returns at once; Kafka Streams rebalances and restores
 * state in its own threads), {@link #close()} once (waits up to 30 s for the last commit).
 *
 * <p>Outages: Kafka Streams retries a broker that does not answer for {@code task.timeout.ms} (5 min) and then fails
 * the stream thread. A thread that failed so (a passing Kafka failure by {@link KafkaFailures}: a timeout, a lost
 * connection, too few in-sync replicas) is replaced by a new one, which starts from the last commit: an outage of any
 * length is waited out, exactly once holds (uncommitted work is aborted and redone). Meanwhile the readiness component
 * is down, until the instance is RUNNING again. Any other failure in a stream thread shuts the whole instance down:
 * {@link #isRunning()} turns false and the error is logged, so a supervisor (or the app) can see it and restart;
 * state is restored from the changelogs on restart.
 */
public final class EventProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessorSettings settings;
    private final Topics topics;
    private final KafkaStreams streams;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<String> whenFailed = reason -> { };
    private volatile String fatalFailure = "see the log";

    public EventProcessor(String bootstrapServers, Topics topics, ProcessorSettings settings, MeterRegistry registry) {
        this(bootstrapServers, topics, settings, registry, Map.of());
    }

    /**
     * @param kafkaProperties extra Kafka client properties (e.g. {@code session.timeout.ms}, security settings)
     *     applied before agentlog's own, which cannot be weakened (exactly_once_v2 stays on)
     */
    public EventProcessor(String bootstrapServers, Topics topics, ProcessorSettings settings, MeterRegistry registry,
            Map<String, Object> kafkaProperties) {
        this(bootstrapServers, topics, settings, registry, kafkaProperties, new Readiness().component("processor"));
    }

    /** @param readiness the process's processor component: down while a Kafka outage is being waited out */
    public EventProcessor(String bootstrapServers, Topics topics, ProcessorSettings settings, MeterRegistry registry,
            Map<String, Object> kafkaProperties, Readiness.Component readiness) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(readiness, "readiness");
        String source = "processor " + settings.applicationId();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.streams = new KafkaStreams(ProcessorTopology.build(topics, settings, EventCodec.standard(), registry),
                withExtra(kafkaProperties, ProcessorTopology.streamsConfig(bootstrapServers, topics, settings, registry)));
        streams.setUncaughtExceptionHandler(e -> {
            if (passing(e)) {
                readiness.down(source, "Kafka unavailable (" + rootCause(e).getClass().getSimpleName()
                        + "); a new stream thread resumes from the last commit");
                log.debug("[processor {}] stream thread failed on a passing Kafka failure; replacing it",
                        settings.applicationId(), e);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            fatalFailure = e.toString();
            readiness.down(source, "stopped (" + e.getClass().getSimpleName() + "): see the log");
            log.error("[processor {}] stream thread failed; shutting the processor down (restart it to resume from "
                    + "the last commit)", settings.applicationId(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            log.info("[processor {}] {} -> {}", settings.applicationId(), before, now);
            if (now == KafkaStreams.State.RUNNING) {
                readiness.up(source);
            }
            if (now == KafkaStreams.State.ERROR) {
                whenFailed.accept("the processor " + settings.applicationId() + " stopped on a failure it cannot pass ("
                        + fatalFailure + ")");
            }
        });
    }

    /**
     * Called once, on a Kafka Streams thread, when the processor stopped on a failure a new stream thread cannot pass
     * (the client is in ERROR and processes nothing more): what owns the process should end it, so that its
     * supervisor starts it again from the last commit. Set it before {@link #start}.
     */
    public EventProcessor whenFailed(Consumer<String> listener) {
        this.whenFailed = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Starts processing in the background. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("processor " + settings.applicationId() + " was already started");
        }
        try {
            Files.createDirectories(settings.stateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the processor state directory " + settings.stateDir()
                    + ": " + e.getMessage() + " (check --state-dir / --data-dir and its permissions)", e);
        }
        log.info("[processor {}] starting: {} -> {} / {}, state in {}, dedupe retention {} ms, gap timeout {} ms, "
                        + "replication factor {}, standby replicas {}, commit interval {} ms",
                settings.applicationId(), topics.in(), topics.events(), topics.dlq(), settings.stateDir(),
                settings.dedupeRetentionMs(), settings.gapTimeoutMs(), settings.replicationFactor(),
                settings.numStandbyReplicas(), settings.commitIntervalMs());
        streams.start();
    }

    /** True while starting, rebalancing or running; false before start, after close or after a fatal error. */
    public boolean isRunning() {
        return started.get() && streams.state().isRunningOrRebalancing();
    }

    /** The Kafka Streams state, e.g. for a readiness check (RUNNING once partitions are assigned and restored). */
    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // Leave the group at once: a restarted (or remaining) instance takes the partitions over now instead of
            // waiting for this member's session to time out (45 s by default).
            if (!streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
                log.warn("[processor {}] did not stop within {} s; uncommitted work will be redone on the next start",
                        settings.applicationId(), CLOSE_TIMEOUT.toSeconds());
            }
        }
    }

    /** A failure no operator must fix: Kafka's retriable ones anywhere in the causes, unless Kafka refused agentlog. */
    static boolean passing(Throwable failure) {
        if (KafkaFailures.refusal(failure).isPresent()) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static Properties withExtra(Map<String, Object> extra, Properties own) {
        Properties merged = new Properties();
        merged.putAll(extra);
        merged.putAll(own);
        return merged;
    }
}
