package dev.agentlog.cdc.internal;

import dev.agentlog.events.Event;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.EventTooLargeException;
import dev.agentlog.client.PublishException;
import dev.agentlog.cdc.CdcSourceException;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.LettaMapping;
import dev.agentlog.support.health.Readiness;
import dev.agentlog.support.kafka.KafkaFailures;
import dev.agentlog.support.retry.FailureClass;
import dev.agentlog.support.retry.FailureClassifier;
import dev.agentlog.support.retry.RetriesExhaustedException;
import dev.agentlog.support.retry.Retry;
import dev.agentlog.support.retry.RetryPolicy;
import dev.agentlog.support.retry.RetryStoppedException;
import dev.agentlog.support.time.Sleeper;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's batch handler, where the guarantee is kept: a batch's events are published in source order
 * (acks=all, idempotent: a stream's events keep their order in its partition) and every one is acknowledged
 * <em>before</em> any record of the batch is marked processed. The engine stores, and confirms to the slot, only
 * positions of processed records, so a crash at any point re-reads from a position whose events are all in Kafka
 * or not yet published; re-read events have the same ids and the processor keeps one of each.
 *
 * <p>A retriable failure (Kafka unreachable) publishes the whole batch again under agentlog's one {@link Retry}
 * ({@link #RETRY_POLICY}: until Kafka takes it, exponential back-off with jitter and a cap: an outage of any length
 * is waited out, capture resumes by itself); publishing again is idempotent, the events keep their ids. Meanwhile the
 * readiness component is down. On a failure that will not pass (Kafka refusing the write: an authorization failure is
 * never retried), or when a bounded policy runs out, the handler throws and the engine stops without committing.
 * An event larger than the limit can never be published: it is skipped, logged and counted, so that it does not
 * stop capture for good. Runs on the engine's one handler thread.
 */
public final class PublishingChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(PublishingChangeConsumer.class);
    /** Until Kafka takes the batch: 0.5 s then doubling (with jitter), at most 10 s between two attempts. */
    static final RetryPolicy RETRY_POLICY = RetryPolicy.forever(500, 10_000);
    /** Only "Kafka unavailable" passes: {@link PublishException#isRetriable()} says so by the exception's type. */
    private static final FailureClassifier RETRIABLE_PUBLISH = failure ->
            failure instanceof PublishException p && p.isRetriable() ? FailureClass.RETRIABLE : FailureClass.FATAL;

    private final RecordConverter converter;
    private final LettaMapping mapping;
    private final EventPublisher publisher;
    private final CdcMetrics metrics;
    private final LettaCdc.BatchHook hook;
    private final String logPrefix;
    private final Retry retry;

    /** @param readiness cdc's component: down while Kafka does not take a batch */
    public PublishingChangeConsumer(RecordConverter converter, LettaMapping mapping, EventPublisher publisher,
            CdcMetrics metrics, LettaCdc.BatchHook hook, String logPrefix, Readiness.Component readiness) {
        this(converter, mapping, publisher, metrics, hook, logPrefix, RETRY_POLICY, Sleeper.SYSTEM, readiness);
    }

    /** With another retry schedule and a sleeper that records (tests). */
    PublishingChangeConsumer(RecordConverter converter, LettaMapping mapping, EventPublisher publisher,
            CdcMetrics metrics, LettaCdc.BatchHook hook, String logPrefix, RetryPolicy policy, Sleeper sleeper) {
        this(converter, mapping, publisher, metrics, hook, logPrefix, policy, sleeper,
                new Readiness().component("cdc"));
    }

    private PublishingChangeConsumer(RecordConverter converter, LettaMapping mapping, EventPublisher publisher,
            CdcMetrics metrics, LettaCdc.BatchHook hook, String logPrefix, RetryPolicy policy, Sleeper sleeper,
            Readiness.Component readiness) {
        this.converter = converter;
        this.mapping = mapping;
        this.publisher = publisher;
        this.metrics = metrics;
        this.hook = hook;
        this.logPrefix = logPrefix;
        this.retry = Retry.of(logPrefix, policy).with(sleeper).withListener(new Retry.Listener() {
            @Override
            public void retrying(int failed, long backoffMs, Throwable failure) {
                readiness.down(logPrefix, "Kafka does not take events (" + failure.getClass().getSimpleName() + ")");
            }

            @Override
            public void recovered(int attempt, long elapsedMs) {
                readiness.up(logPrefix);
            }
        });
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        List<Change> changes = new ArrayList<>(records.size());
        List<Event> events = new ArrayList<>(records.size());
        List<String> tables = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> record : records) {
            Change change = converter.convert(record.record());
            if (change != null) {
                changes.add(change);
                for (Event event : mapping.map(change)) {
                    events.add(event);
                    tables.add(change.table());
                }
            }
        }
        if (!events.isEmpty()) {
            publish(events, tables);
        }
        try {
            hook.acknowledged(events);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new CdcSourceException(logPrefix + " stopped after publishing " + events.size()
                    + " events, before storing their position: " + e.getMessage(), e);
        }
        for (RecordChangeEvent<SourceRecord> record : records) {
            committer.markProcessed(record);
        }
        committer.markBatchFinished();
        metrics.acknowledged(changes);
        log.debug("{} {} changes, {} events acknowledged", logPrefix, changes.size(), events.size());
    }

    /** Publishes the batch until Kafka acknowledged every event of it (bar those too large ever to be taken). */
    private void publish(List<Event> events, List<String> tables) throws InterruptedException {
        int[] attempt = {0};
        try {
            retry.run("publishing a batch of " + events.size() + " events", RETRIABLE_PUBLISH, () -> {
                publishOnce(events, tables, ++attempt[0] == 1);
                return null;
            });
        } catch (RetriesExhaustedException e) {
            throw new CdcSourceException(logPrefix + " Kafka did not acknowledge a batch of " + events.size()
                    + " events after " + e.attempts() + " attempts: " + e.getCause().getMessage(), e.getCause());
        } catch (RetryStoppedException e) {
            Thread.interrupted(); // handed on as the engine expects it: an InterruptedException, not a flag
            InterruptedException interrupted = new InterruptedException(e.getMessage());
            interrupted.initCause(e);
            throw interrupted;
        } catch (CdcSourceException e) {
            throw e;
        } catch (Exception e) {
            throw new CdcSourceException(logPrefix + " publishing failed unexpectedly: " + e, e);
        }
    }

    /**
     * One attempt: publishes every event and waits for each acknowledgement.
     *
     * @throws PublishException   the last retriable failure, once every event was waited for
     * @throws CdcSourceException a failure that will not pass
     */
    private void publishOnce(List<Event> events, List<String> tables, boolean first) throws InterruptedException {
        List<CompletableFuture<RecordMetadata>> futures = publisher.publishAll(events);
        PublishException retriable = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get();
            } catch (ExecutionException e) {
                Throwable failure = KafkaFailures.unwrap(e);
                Event event = events.get(i);
                if (failure instanceof EventTooLargeException tooLarge) {
                    if (first) {
                        metrics.tooLarge(tables.get(i));
                        log.error("{} event {} ({} of stream {}) is {} bytes, over --max-event-bytes {}: skipped, "
                                + "the source row is not in the log; raise --max-event-bytes to keep such rows",
                                logPrefix, event.eventId(), event.type(), event.streamId(), tooLarge.sizeBytes(),
                                tooLarge.maxBytes());
                    }
                } else if (failure instanceof PublishException p && p.isRetriable()) {
                    retriable = p;
                } else {
                    throw new CdcSourceException(logPrefix + " Kafka refused event " + event.eventId() + " ("
                            + event.type() + " of stream " + event.streamId() + "): " + failure.getMessage(), failure);
                }
            }
        }
        if (retriable != null) {
            throw retriable;
        }
    }
}
