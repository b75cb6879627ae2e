package dev.agentlog.cdc;

import dev.agentlog.events.Event;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.cdc.internal.CdcMetrics;
import dev.agentlog.cdc.internal.DebeziumProperties;
import dev.agentlog.cdc.internal.JdbcPassageLookup;
import dev.agentlog.cdc.internal.LagMonitor;
import dev.agentlog.cdc.internal.PublishingChangeConsumer;
import dev.agentlog.cdc.internal.RecordConverter;
import dev.agentlog.cdc.internal.ReplicaIdentities;
import dev.agentlog.cdc.internal.SourceConnection;
import dev.agentlog.letta.mapping.ChangeEvents;
import dev.agentlog.letta.mapping.LettaMapping;
import dev.agentlog.letta.mapping.MappingContext;
import dev.agentlog.letta.mapping.MappingState;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import dev.agentlog.support.health.Readiness;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change-data capture of a Letta database: Debezium's embedded engine reads the source's logical replication
 * stream (pgoutput, its own publication and slot; an initial snapshot, then streaming), {@link LettaMapping} turns
 * each row change into the contract's events, and {@link EventPublisher} produces them to {@code <prefix>.events.in}.
 *
 * <p><b>The guarantee.</b> The source position is stored (in PostgreSQL, never in a local file) and confirmed to the
 * slot only after every event up to it is acknowledged by Kafka with acks=all; nothing between the slot's
 * confirmed position and the last produced event is skipped. A restart resumes at the stored position and may
 * produce some events again, with the same event ids (derived from the source position): the processor keeps one.
 *
 * <p><b>Lifecycle.</b> {@link #start()} checks the source (wal_level, replication privilege, and that no captured
 * table would make Letta's own writes fail once published), warns about what the slot means, and starts the engine
 * on its own thread; {@link #completion()} completes when the engine stops,
 * exceptionally when it failed. {@link #close()} stops it in order, storing the position of what was acknowledged.
 * The caller owns the publisher and closes it after this.
 */
public final class LettaCdc implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LettaCdc.class);
    private static final long STOP_TIMEOUT_SECONDS = 30;
    private static final java.util.regex.Pattern PASSWORD_VALUE =
            java.util.regex.Pattern.compile("(?i)(password[\\w.]*=)[^,}&;\\s)]*");

    /**
     * Called after a batch's events are acknowledged by Kafka and before its source position is marked processed.
     * For fault injection in tests: throwing here stops capture as a crash between produce and commit would.
     */
    @FunctionalInterface
    public interface BatchHook {
        BatchHook NONE = events -> { };

        void acknowledged(List<Event> events) throws Exception;
    }

    private final CdcSettings settings;
    private final EventPublisher publisher;
    private final MeterRegistry registry;
    private final BatchHook hook;
    private final String logPrefix;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private ExecutorService executor;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private LagMonitor lag;
    private SourceConnection lookupConnection;
    private CdcMetrics metrics;
    private Readiness.Component readiness = new Readiness().component("cdc");

    public LettaCdc(CdcSettings settings, EventPublisher publisher, MeterRegistry registry) {
        this(settings, publisher, registry, BatchHook.NONE);
    }

    public LettaCdc(CdcSettings settings, EventPublisher publisher, MeterRegistry registry, BatchHook hook) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hook = Objects.requireNonNull(hook, "hook");
        this.logPrefix = "[cdc " + settings.source() + " slot " + settings.slotName() + "]";
    }

    /** The process's cdc component, down while Kafka does not take a batch (call before {@link #start()}). */
    public synchronized LettaCdc withReadiness(Readiness.Component value) {
        this.readiness = Objects.requireNonNull(value, "readiness");
        return this;
    }

    /**
     * Checks the source and starts capture; returns once the engine runs (the snapshot and streaming go on in the
     * background).
     *
     * @throws CdcSourceException when the source cannot be captured (the message names the fix)
     */
    public synchronized LettaCdc start() {
        if (engine != null) {
            throw new IllegalStateException(logPrefix + " already started");
        }
        SourceDatabase source = new SourceDatabase(settings);
        source.checkReady();
        SourceSetup setup = new SourceSetup(settings);
        setup.checkSafe();
        source.checkOffsetStore();
        source.warnAtStart();
        String heartbeatAction = setup.heartbeatTableExists() ? setup.heartbeatStatement() : null;
        log.info("{} starting: {} -> {}", logPrefix, settings, publisher.topic());

        metrics = new CdcMetrics(registry, settings.slotName(), logPrefix);
        lookupConnection = new SourceConnection(source::connect);
        MappingContext context = new MappingContext(new ChangeEvents(settings.database()), new MappingState(),
                new JdbcPassageLookup(lookupConnection, settings.schema(), logPrefix), metrics);
        try {
            RecordConverter converter = new RecordConverter(new ReplicaIdentities(source::replicaIdentities));
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(DebeziumProperties.of(settings, heartbeatAction, setup.surrogateKeys()))
                    .notifying(new PublishingChangeConsumer(converter, new LettaMapping(context), publisher, metrics,
                            hook, logPrefix, readiness))
                    .using((success, message, error) -> stopped(success, message, error))
                    .build();
        } catch (RuntimeException e) {
            lookupConnection.close();
            metrics.close();
            throw e;
        }
        lag = new LagMonitor(new SourceConnection(source::connect), settings, metrics, logPrefix);
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "agentlog-cdc-" + settings.slotName()));
        executor.execute(engine);
        lag.start();
        return this;
    }

    /** Completes when capture stops: normally after {@link #close()}, exceptionally when it failed. */
    public CompletableFuture<Void> completion() {
        return completion;
    }

    /**
     * Blocks until capture stops.
     *
     * @throws CdcSourceException when it stopped on an error (the message says which)
     */
    public void awaitStop() throws InterruptedException {
        try {
            completion.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CdcSourceException c ? c
                    : new CdcSourceException(logPrefix + " stopped: " + e.getCause().getMessage(), e.getCause());
        }
    }

    public CdcSettings settings() {
        return settings;
    }

    private void stopped(boolean success, String message, Throwable error) {
        if (success && error == null) {
            log.info("{} stopped", logPrefix);
            completion.complete(null);
        } else {
            Throwable cause = error;
            while (cause != null && !(cause instanceof CdcSourceException) && cause.getCause() != null
                    && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            // Debezium's messages can hold its whole configuration, passwords included
            String reason = cause instanceof CdcSourceException ? cause.getMessage()
                    : logPrefix + " stopped: " + masked(message + (error == null ? "" : " (" + error.getMessage() + ")"));
            log.error("{}", reason);
            completion.completeExceptionally(cause instanceof CdcSourceException c ? c : new CdcSourceException(reason));
        }
    }

    /** {@code password=...} values (Debezium prints configuration maps in its errors) replaced by {@code ****}. */
    static String masked(String text) {
        return text == null ? null : PASSWORD_VALUE.matcher(text).replaceAll("$1****");
    }

    /** Stops capture in order: the engine stores the position of what was acknowledged, then everything is closed. */
    @Override
    public synchronized void close() {
        if (engine == null) {
            return;
        }
        try {
            engine.close();
        } catch (IOException e) {
            log.warn("{} error while stopping the engine: {}", logPrefix, masked(e.getMessage()));
        } catch (IllegalStateException e) {
            log.debug("{} the engine had stopped already", logPrefix);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("{} the engine did not stop within {} s", logPrefix, STOP_TIMEOUT_SECONDS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lag.close();
        lookupConnection.close();
        metrics.close();
        completion.complete(null); // when the engine never reported (stopped before it ran)
        engine = null;
    }
}
