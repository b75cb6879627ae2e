package dev.agentlog.client;

import dev.agentlog.events.EncodedEvent;
import dev.agentlog.events.Event;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.InvalidEventException;
import dev.agentlog.events.PayloadSealer;
import dev.agentlog.events.Tenants;
import dev.agentlog.events.Topics;
import dev.agentlog.events.Violation;
import dev.agentlog.client.internal.ProducerProperties;
import dev.agentlog.support.kafka.KafkaFailures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The Java client of agentlog for JVM agent platforms: sends events straight to Kafka with the same
 * guarantee as {@code POST /v1/events}.
 *
 * <pre>{@code
 * try (AgentlogClient client = AgentlogClient.builder()
 *         .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *         .topicPrefix("agentlog")
 *         .build()) {
 *     client.sendAndWait(Event.of(UUID.randomUUID().toString(), agentId, OffsetDateTime.now(), payload));
 * }
 * }</pre>
 *
 * <p><b>Validation at the caller.</b> Every event is checked here, before anything is sent, by the same
 * codec the pipeline uses (it is serialized once and read back; those bytes are sent), and against the size limit: a bad event throws
 * {@link InvalidEventException} naming each field and rule ({@code payload.message_id: is required}).
 *
 * <p><b>The guarantee.</b> A future from {@link #send(Event)} completes normally only once Kafka has the
 * event with {@code acks=all}; then it survives any crash. A failed future means "not acknowledged": the
 * event may or may not be in Kafka, and re-sending the same event ({@code event_id}) is always safe, since
 * the pipeline keeps one event per {@code event_id}. {@link KafkaUnavailableException} says "try again
 * later". Events of one stream sent from one thread, one after the other, keep their order.
 *
 * <p><b>Tenant.</b> The client never picks a tenant on its own. Built with {@link Builder#tenant(String)}, it
 * stamps that tenant on every event it sends (replacing whatever tenant an event carried), as ingest stamps
 * the tenant of an API key; built without, events go as they are (no tenant unless the caller set one with
 * {@link Event#withTenant}). A program that can write the input topic is trusted as much as ingest is:
 * Kafka's ACLs, not this class, decide who may write it.
 *
 * <p><b>Encryption.</b> Where the pipeline runs with encryption on (docs/privacy.md), build the client with {@link
 * Builder#sealingWith} and the privacy module's cipher, so that personal content is sealed with its subject's data key
 * here, after validation, as ingest seals it: Kafka never holds the plaintext, and erasing the subject shreds these
 * events too. Without it the events go in clear and erasure cannot reach their Kafka copies.
 *
 * <p><b>Threads.</b> Thread-safe; share one client per process. {@link #close()} waits for events in
 * flight (up to the publish timeout), so their futures complete before it returns.
 */
public final class AgentlogClient implements AutoCloseable {
    private final EventPublisher publisher;
    private final EventCodec codec = EventCodec.standard();
    private final String defaultSource;
    private final String tenant;
    private final int maxEventBytes;
    private final long publishTimeoutMs;
    private final boolean sealing;

    private AgentlogClient(EventPublisher publisher, String defaultSource, String tenant, boolean sealing) {
        this.publisher = publisher;
        this.sealing = sealing;
        this.defaultSource = defaultSource;
        this.tenant = tenant;
        this.maxEventBytes = publisher.settings().maxEventBytes();
        this.publishTimeoutMs = publisher.settings().publishTimeoutMs();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Validates the event here, then sends it.
     *
     * @return completes with the record's partition and offset once Kafka has it with acks=all; fails with
     *         a {@link PublishException} (see the class comment)
     * @throws InvalidEventException when the event breaks a rule of the contract; nothing was sent
     */
    public CompletableFuture<RecordMetadata> send(Event event) throws InvalidEventException {
        EncodedEvent checked = validated(event);
        // sealing needs the validated event, not its bytes: the publisher seals, encodes and checks the sealed size
        return sealing ? publisher.publish(checked.event()) : publisher.publish(checked);
    }

    /**
     * Validates every event first (the violations name the index: {@code [3].payload.message_id: is
     * required}) and sends none when one is invalid; then sends them in order.
     */
    public List<CompletableFuture<RecordMetadata>> sendAll(List<Event> events) throws InvalidEventException {
        List<EncodedEvent> checked = new ArrayList<>(events.size());
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            try {
                checked.add(validated(events.get(i)));
            } catch (InvalidEventException e) {
                for (Violation v : e.violations()) {
                    violations.add(v.inElement(i));
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        return sealing ? publisher.publishAll(checked.stream().map(EncodedEvent::event).toList())
                : publisher.publishAllEncoded(checked);
    }

    /**
     * Sends and waits for the acknowledgement.
     *
     * @throws InvalidEventException     the event breaks a rule; nothing was sent
     * @throws KafkaUnavailableException Kafka did not acknowledge in time; send it again later
     * @throws PublishException          Kafka refused it for another reason
     */
    public RecordMetadata sendAndWait(Event event) throws InvalidEventException, InterruptedException {
        CompletableFuture<RecordMetadata> future = send(event);
        try {
            // The producer completes every future within max.block.ms + delivery.timeout.ms; the margin
            // only guards against a bug there.
            return future.get(2 * publishTimeoutMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = KafkaFailures.unwrap(e);
            throw cause instanceof PublishException p ? p
                    : new PublishException(event.eventId(), "event " + event.eventId() + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException(event.eventId(), "no acknowledgement for event " + event.eventId()
                    + " within " + (2 * publishTimeoutMs + 1_000) + " ms; send it again later (re-sending is safe)", e);
        }
    }

    /** Blocks until every event sent so far is acknowledged or failed. */
    public void flush() {
        publisher.flush();
    }

    /** Waits for events in flight (up to the publish timeout), then closes the connection to Kafka. */
    @Override
    public void close() {
        publisher.close();
    }

    /**
     * The event as it will be sent, source and tenant set: serialized once, read back through the codec (the
     * processor's rules), its size checked; those bytes are what the publisher sends.
     */
    private EncodedEvent validated(Event event) throws InvalidEventException {
        Objects.requireNonNull(event, "event");
        Event withSource = event.source() == null && defaultSource != null ? event.withSource(defaultSource) : event;
        Event stamped = tenant != null ? withSource.withTenant(tenant) : withSource;
        EncodedEvent encoded = codec.encodeChecked(stamped);
        if (encoded.bytes().length > maxEventBytes) {
            throw new InvalidEventException(List.of(EventTooLargeException.violation(encoded.bytes().length,
                    maxEventBytes)));
        }
        return encoded;
    }

    /** Settings of a client; only the bootstrap servers are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String topicPrefix = Topics.DEFAULT.prefix();
        private int maxEventBytes = PublisherSettings.DEFAULT_MAX_EVENT_BYTES;
        private long publishTimeoutMs = PublisherSettings.DEFAULT_PUBLISH_TIMEOUT_MS;
        private String source = "client:java";
        private String tenant;
        private final Map<String, Object> producerProperties = new HashMap<>();
        private PayloadSealer sealer = PayloadSealer.NONE;

        private Builder() {}

        /** Kafka, {@code host:port,host:port}. Required. */
        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        /** The topics' prefix (default {@code agentlog}: events go to {@code agentlog.events.in}). */
        public Builder topicPrefix(String prefix) {
            this.topicPrefix = prefix;
            return this;
        }

        /** The largest serialized event (default 1 MiB); keep it equal to the server's {@code --max-event-bytes}. */
        public Builder maxEventBytes(int bytes) {
            this.maxEventBytes = bytes;
            return this;
        }

        /** How long a send may wait for Kafka before it fails as unavailable (default 10 s). */
        public Builder publishTimeoutMs(long millis) {
            this.publishTimeoutMs = millis;
            return this;
        }

        /** The {@code source} written into events that have none (default {@code client:java}; null: leave empty). */
        public Builder source(String defaultSource) {
            this.source = defaultSource;
            return this;
        }

        /**
         * The tenant stamped on every event this client sends (default none: events keep the tenant they carry,
         * usually none). 1..128 of {@code [A-Za-z0-9._-]}; checked at build().
         */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /**
         * Any further Kafka producer setting (security, {@code client.id}, batching). Settings that would
         * weaken the guarantee ({@code acks} other than all, idempotence off) are refused at build().
         */
        public Builder producerProperty(String key, Object value) {
            producerProperties.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /**
         * Seals every event's payload before it is sent (default: none, events go in clear): with the pipeline's
         * encryption on, the privacy module's {@code new PayloadCipher(new SubjectKeys(dataSource, schema,
         * KeyEncryptionKey.load(kekFile), Time.SYSTEM))} over the pipeline's PostgreSQL schema and KEK file. An event
         * of an erased subject then fails with a {@link PublishException} naming {@code stream_id} ({@code
         * not_allowed}); while the data keys cannot be read (PostgreSQL away) events fail with {@link
         * SealingUnavailableException}, nothing sent: send them again later.
         */
        public Builder sealingWith(PayloadSealer sealer) {
            this.sealer = Objects.requireNonNull(sealer, "sealer");
            return this;
        }

        /** Connects lazily: Kafka need not be reachable yet. */
        public AgentlogClient build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers is required (host:port,...)");
            }
            if (tenant != null) {
                Tenants.require(tenant, "tenant");
            }
            Topics topics = new Topics(topicPrefix);
            PublisherSettings settings = new PublisherSettings(maxEventBytes, publishTimeoutMs);
            Map<String, Object> props = new HashMap<>(producerProperties);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProducerProperties.build(bootstrapServers,
                    "agentlog-client", settings, props));
            EventPublisher publisher = new EventPublisher(producer, bootstrapServers, topics, settings).sealingWith(sealer);
            return new AgentlogClient(publisher, source, tenant, sealer != PayloadSealer.NONE);
        }
    }
}
