package dev.agentlog.client;

import dev.agentlog.events.EncodedEvent;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.KeysUnavailableException;
import dev.agentlog.events.PayloadSealer;
import dev.agentlog.events.Topics;
import dev.agentlog.client.internal.ProducerProperties;
import dev.agentlog.support.kafka.KafkaFailures;
import dev.agentlog.support.retry.FailureClass;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way events enter Kafka: every event goes to {@link Topics#in()} keyed by its {@code stream_id}
 * (UTF-8), valued by {@link EventCodec#encode(Event)}.
 *
 * <p><b>The guarantee.</b> A returned future completes normally only after Kafka has the record with
 * {@code acks=all} (every in-sync replica) from an idempotent producer: then the event survives any crash
 * of any process. A future that fails means "not acknowledged": the event may or may not be in Kafka, and
 * re-sending the same event (same {@code event_id}) is always safe because the pipeline keeps one event
 * per {@code event_id}. Failures are {@link KafkaUnavailableException} (retriable: Kafka unreachable or
 * too slow within {@link PublisherSettings#publishTimeoutMs()}), {@link EventTooLargeException} (never
 * sent), or another {@link PublishException} (Kafka refused it for good).
 *
 * <p><b>Threads.</b> Thread-safe; one instance serves the whole process. Futures complete on the
 * producer's I/O thread: attach slow work with the {@code ...Async} methods of {@link CompletableFuture}.
 * {@link #close()} waits up to the publish timeout for records in flight, then closes the producer.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String bootstrapServers;
    private final PublisherSettings settings;
    private final EventCodec codec = EventCodec.standard();
    /** Set once before the first send (docs/privacy.md); {@link PayloadSealer#NONE} with encryption off. */
    private volatile PayloadSealer sealer = PayloadSealer.NONE;
    /** Set by {@link #close()}: from then on every failure is "unavailable" (the producer's own are plain KafkaExceptions). */
    private volatile boolean closing;

    /**
     * @param extraProducerProps any further producer settings (security, client.id, batching); those that
     *                           would weaken the guarantee ({@code acks} other than all, idempotence off)
     *                           are refused with IllegalArgumentException
     */
    public EventPublisher(String bootstrapServers, Topics topics, PublisherSettings settings,
            Map<String, Object> extraProducerProps) {
        this(new KafkaProducer<>(ProducerProperties.build(requireServers(bootstrapServers), "agentlog-ingest",
                settings, extraProducerProps)), bootstrapServers, topics, settings);
    }

    /**
     * Over a producer the caller built: Kafka's own {@code MockProducer} in tests. The guarantees of this class are
     * the producer's settings (acks=all, idempotence: see {@code ProducerProperties}); a caller that builds its own
     * producer answers for them.
     */
    public EventPublisher(Producer<byte[], byte[]> producer, String bootstrapServers, Topics topics, PublisherSettings settings) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.bootstrapServers = bootstrapServers;
        this.topic = Objects.requireNonNull(topics, "topics").in();
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Seals the payload of every event {@link #publish(Event) published} from now on with {@code value} (the edge's
     * payload cipher: cdc, import); an event sealed already goes as it is. Call before the first send.
     */
    public EventPublisher sealingWith(PayloadSealer value) {
        this.sealer = Objects.requireNonNull(value, "sealer");
        return this;
    }

    private static String requireServers(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("--bootstrap-servers must not be empty (host:port,...)");
        }
        return bootstrapServers;
    }

    /**
     * Sends one event. May block up to the publish timeout while Kafka's metadata is unknown or the send
     * buffer is full; never throws: every failure is in the returned future.
     */
    public CompletableFuture<RecordMetadata> publish(Event event) {
        Objects.requireNonNull(event, "event");
        byte[] value;
        try {
            event = sealer.seal(event);
        } catch (InvalidEventException e) {
            return CompletableFuture.failedFuture(new PublishException(event.eventId(),
                    "event " + event.eventId() + " cannot be sealed: " + e.getMessage(), e));
        } catch (KeysUnavailableException e) {
            // the key store failed (PostgreSQL away, a KEK this process lacks): an outage of the sealing, not of the event
            return CompletableFuture.failedFuture(new SealingUnavailableException(event.eventId(), "event "
                    + event.eventId() + " was not sent: its subject's data key cannot be read now (encryption is on)",
                    e));
        }
        try {
            value = codec.encode(event);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException(event.eventId(),
                    "event " + event.eventId() + " cannot be serialized: " + e.getMessage(), e));
        }
        return publish(new EncodedEvent(event, value));
    }

    /**
     * Sends an event serialized already ({@link EventCodec#encodeChecked}): its bytes as they are. As {@link
     * #publish(Event)} otherwise.
     */
    public CompletableFuture<RecordMetadata> publish(EncodedEvent encoded) {
        Objects.requireNonNull(encoded, "encoded");
        Event event = encoded.event();
        byte[] value = encoded.bytes();
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        if (value.length > settings.maxEventBytes()) {
            result.completeExceptionally(new EventTooLargeException(event.eventId(), value.length, settings.maxEventBytes()));
            return result;
        }
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, event.streamId().getBytes(StandardCharsets.UTF_8), value);
        try {
            producer.send(record, (metadata, failure) -> {
                if (failure == null) {
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(classify(failure, event));
                }
            });
        } catch (RuntimeException e) {
            // send() throws only for a closed producer, an interrupt or a serializer problem; the callback
            // was not called then.
            result.completeExceptionally(classify(e, event));
        }
        return result;
    }

    /**
     * Sends events in list order (so events of one stream keep their order), one future per event, in
     * the same order. Once one send fails as {@link KafkaUnavailableException} before it left this process
     * (Kafka unreachable), or as {@link SealingUnavailableException} (the key store unreachable), the rest are not
     * sent and fail the same way: a request of 1,000 events waits one publish timeout, not 1,000.
     */
    public List<CompletableFuture<RecordMetadata>> publishAll(List<Event> events) {
        return publishInOrder(events, Event::eventId, this::publish);
    }

    /** As {@link #publishAll}, for events serialized already (see {@link #publish(EncodedEvent)}). */
    public List<CompletableFuture<RecordMetadata>> publishAllEncoded(List<EncodedEvent> events) {
        return publishInOrder(events, e -> e.event().eventId(), this::publish);
    }

    private <T> List<CompletableFuture<RecordMetadata>> publishInOrder(List<T> events, Function<T, String> eventId,
            Function<T, CompletableFuture<RecordMetadata>> publish) {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>(events.size());
        PublishException unavailable = null;
        for (T event : events) {
            if (unavailable != null) {
                futures.add(CompletableFuture.failedFuture(notSentAfter(eventId.apply(event), unavailable)));
                continue;
            }
            CompletableFuture<RecordMetadata> future = publish.apply(event);
            futures.add(future);
            if (future.isCompletedExceptionally()) {
                Throwable failure = KafkaFailures.unwrap(future.handle((m, e) -> e).join());
                if (failure instanceof KafkaUnavailableException || failure instanceof SealingUnavailableException) {
                    unavailable = (PublishException) failure;
                }
            }
        }
        return futures;
    }

    /** The failure of an event not sent because {@code first}, earlier in its batch, met an outage. */
    private static PublishException notSentAfter(String id, PublishException first) {
        if (first instanceof SealingUnavailableException) {
            return new SealingUnavailableException(id, "event " + id + " was not sent because the data keys could not"
                    + " be read for an earlier event of the same batch (" + first.getMessage() + ")", first);
        }
        return new KafkaUnavailableException(id, "event " + id + " was not sent because Kafka was unavailable for an"
                + " earlier event of the same batch (" + first.getMessage() + ")", first);
    }

    /** Blocks until every record sent so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    /** The topic events go to ({@link Topics#in()}). */
    public String topic() {
        return topic;
    }

    public PublisherSettings settings() {
        return settings;
    }

    /** Waits up to the publish timeout for records in flight (their futures complete), then closes. */
    @Override
    public void close() {
        closing = true;
        log.debug("ingest: closing the publisher to {}", topic);
        producer.close(Duration.ofMillis(settings.publishTimeoutMs()));
    }

    private PublishException classify(Throwable failure, Event event) {
        PublishException e = failure(KafkaFailures.unwrap(failure), event.eventId());
        if (e.isRetriable()) {
            log.debug("ingest: event {} of stream {} not acknowledged: {}", event.eventId(), event.streamId(), e.getMessage());
        } else {
            log.warn("ingest: event {} of stream {} refused by Kafka: {}", event.eventId(), event.streamId(), e.getMessage());
        }
        return e;
    }

    /**
     * What a failed send means for its caller, by {@link KafkaFailures}: Kafka unavailable for now (retriable:
     * timeouts, lost connections, leader moves, too few in-sync replicas; or this publisher closing), or a refusal
     * that re-sending will not fix (authorization, credentials, a record the broker refuses as too large, ...).
     */
    private PublishException failure(Throwable t, String eventId) {
        if (t instanceof PublishException p) {
            return p;
        }
        if (closing || KafkaFailures.classify(t) == FailureClass.RETRIABLE) {
            return new KafkaUnavailableException(eventId, "Kafka at " + bootstrapServers + " did not acknowledge event "
                    + eventId + " on topic " + topic + " within " + settings.publishTimeoutMs() + " ms ("
                    + (closing ? "the publisher is closing; " : "") + KafkaFailures.describe(t) + "); it is not "
                    + "acknowledged: send it again later, re-sending the same event_id is safe", t);
        }
        return new PublishException(eventId, "Kafka at " + bootstrapServers + " refused event " + eventId + " on topic "
                + topic + " (" + KafkaFailures.describe(t) + "); re-sending will not help until that is fixed", t);
    }
}
