package dev.agentlog.processor;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * state in its own threads), {@link #close()} once (waits up to 30 s for the last commit). A fatal error
 * in a stream thread shuts the whole instance down: {@link #isRunning()} turns false and the error is logged,
 * so a supervisor (or the app) can see it and restart; state is restored from the changelogs on restart.
 */
public final class EventProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessorSettings settings;
    private final Topics topics;
    private final KafkaStreams streams;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public EventProcessor(String bootstrapServers, Topics topics, ProcessorSettings settings, MeterRegistry registry) {
        this(bootstrapServers, topics, settings, registry, Map.of());
    }

    /**
     * @param kafkaProperties extra Kafka client properties (e.g. {@code session.timeout.ms}, security settings)
     *     applied before agentlog's own, which cannot be weakened (exactly_once_v2 stays on)
     */
    public EventProcessor(String bootstrapServers, Topics topics, ProcessorSettings settings, MeterRegistry registry,
            Map<String, Object> kafkaProperties) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.streams = new KafkaStreams(ProcessorTopology.build(topics, settings, EventCodec.standard(), registry),
                withExtra(kafkaProperties, ProcessorTopology.streamsConfig(bootstrapServers, topics, settings, registry)));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("[processor {}] stream thread failed; shutting the processor down (restart it to resume from "
                    + "the last commit)", settings.applicationId(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> log.info("[processor {}] {} -> {}", settings.applicationId(),
                before, now));
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

    private static Properties withExtra(Map<String, Object> extra, Properties own) {
        Properties merged = new Properties();
        merged.putAll(extra);
        merged.putAll(own);
        return merged;
    }
}
