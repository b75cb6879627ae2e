package dev.agentlog.cdc.internal;

import dev.agentlog.events.Event;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.EventTooLargeException;
import dev.agentlog.client.PublishException;
import dev.agentlog.cdc.CdcSourceException;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.letta.mapping.Change;
import dev.agentlog.letta.mapping.LettaMapping;
import dev.agentlog.client.KafkaFailures;
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
 * <p>A retriable failure (Kafka unreachable) publishes the whole batch again, a bounded number of times with
 * backoff; then, or on a failure that will not pass, the handler throws and the engine stops without committing.
 * An event larger than the limit can never be published: it is skipped, logged and counted, so that it does not
 * stop capture for good. Runs on the engine's one handler thread.
 */
public final class PublishingChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger log = LoggerFactory.getLogger(PublishingChangeConsumer.class);
    static final int MAX_ATTEMPTS = 5;
    static final long FIRST_BACKOFF_MS = 500;

    private final RecordConverter converter;
    private final LettaMapping mapping;
    private final EventPublisher publisher;
    private final CdcMetrics metrics;
    private final LettaCdc.BatchHook hook;
    private final String logPrefix;

    private final int maxAttempts;
    private final long firstBackoffMs;

    public PublishingChangeConsumer(RecordConverter converter, LettaMapping mapping, EventPublisher publisher,
            CdcMetrics metrics, LettaCdc.BatchHook hook, String logPrefix) {
        this(converter, mapping, publisher, metrics, hook, logPrefix, MAX_ATTEMPTS, FIRST_BACKOFF_MS);
    }

    /** With a shorter retry schedule (tests). */
    PublishingChangeConsumer(RecordConverter converter, LettaMapping mapping, EventPublisher publisher,
            CdcMetrics metrics, LettaCdc.BatchHook hook, String logPrefix, int maxAttempts, long firstBackoffMs) {
        this.maxAttempts = maxAttempts;
        this.firstBackoffMs = firstBackoffMs;
        this.converter = converter;
        this.mapping = mapping;
        this.publisher = publisher;
        this.metrics = metrics;
        this.hook = hook;
        this.logPrefix = logPrefix;
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

    private void publish(List<Event> events, List<String> tables) throws InterruptedException {
        long backoffMs = firstBackoffMs;
        for (int attempt = 1; ; attempt++) {
            List<CompletableFuture<RecordMetadata>> futures = publisher.publishAll(events);
            PublishException retriable = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    Throwable failure = KafkaFailures.unwrap(e);
                    Event event = events.get(i);
                    if (failure instanceof EventTooLargeException tooLarge) {
                        if (attempt == 1) {
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
            if (retriable == null) {
                return;
            }
            if (attempt == maxAttempts) {
                throw new CdcSourceException(logPrefix + " Kafka did not acknowledge a batch of " + events.size()
                        + " events after " + maxAttempts + " attempts: " + retriable.getMessage(), retriable);
            }
            log.warn("{} Kafka did not acknowledge a batch of {} events (attempt {} of {}), publishing it again in {} ms: {}",
                    logPrefix, events.size(), attempt, maxAttempts, backoffMs, retriable.getMessage());
            Thread.sleep(backoffMs);
            backoffMs *= 2;
        }
    }
}
