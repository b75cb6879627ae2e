package dev.agentlog.processor;

import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.processor.internal.DeadLetterDeserializationExceptionHandler;
import dev.agentlog.processor.internal.DeadLetterProcessingExceptionHandler;
import dev.agentlog.processor.internal.EventOfRecordProcessor;
import dev.agentlog.processor.internal.HandlerConfig;
import dev.agentlog.processor.internal.Shortcuts;
import dev.agentlog.processor.internal.StoreNames;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, built by one static function that {@link EventProcessor} and the tests share:
 * {@code in()} (bytes) -> validate, upcast, de-duplicate, order -> {@code events()} (the log of record) or
 * {@code dlq()} (original key and bytes, reason headers). See {@link EventOfRecordProcessor} for the rules.
 *
 * <p>State, all changelogged (and so restored on restart or fail-over; committed with the output under
 * exactly_once_v2):
 * <ul>
 *   <li>{@value #EVENT_IDS_STORE}: event ids that passed, for {@code dedupeRetentionMs} of wall-clock time
 *       after they passed (record timestamps are producers' clocks, and one far in the future must not expire
 *       every other event's history). A duplicate that arrives later than that is no longer
 *       recognised here; the sink's {@code events} table still refuses it by event_id. De-duplication is per
 *       partition: the same event_id under another stream_id (another key) is caught by the sink only.</li>
 *   <li>{@value #POSITION_OWNERS_STORE}: which event owns each used stream position, same retention.</li>
 *   <li>{@value #EXPIRY_INDEX_STORE}: the two above in time order, in chunks of keys, so that a purge once a second
 *       deletes what is past the retention (lookups ignore expired entries anyway, so the rule is exact).</li>
 *   <li>{@value #STREAM_POSITIONS_STORE}: the last used position of every stream (one small entry per stream,
 *       kept forever: positions must never be re-used).</li>
 *   <li>{@value #STREAM_TENANTS_STORE}: the tenant that owns every stream, from its first event of record (one
 *       small entry per stream, kept forever like the positions; streams from before tenants have none and
 *       belong to no tenant).</li>
 *   <li>{@value #HELD_EVENTS_STORE}: events waiting behind a gap, at most {@code gapTimeoutMs} of wall-clock
 *       time each.</li>
 * </ul>
 */
public final class ProcessorTopology {
    public static final String SOURCE_NODE = "agentlog-in";
    public static final String PROCESSOR_NODE = "agentlog-validate-order";
    public static final String EVENTS_NODE = "agentlog-events";
    public static final String DLQ_NODE = "agentlog-dlq";

    public static final String EVENT_IDS_STORE = StoreNames.EVENT_IDS;
    public static final String POSITION_OWNERS_STORE = StoreNames.POSITION_OWNERS;
    public static final String EXPIRY_INDEX_STORE = StoreNames.EXPIRY_INDEX;
    public static final String STREAM_POSITIONS_STORE = StoreNames.STREAM_POSITIONS;
    public static final String HELD_EVENTS_STORE = StoreNames.HELD_EVENTS;
    public static final String STREAM_TENANTS_STORE = StoreNames.STREAM_TENANTS;
    /** The processor's producer's first back-off after a retriable error (Kafka's default: 100 ms). */
    static final int PRODUCER_RETRY_BACKOFF_MS = 10;

    /** Topology-level settings never contact Kafka; StreamsConfig insists on a bootstrap address all the same. */
    private static final String TOPOLOGY_ONLY_BOOTSTRAP = "unused:9092";

    private ProcessorTopology() {}

    public static Topology build(Topics topics, ProcessorSettings settings, EventCodec codec, MeterRegistry registry) {
        return build(topics, settings, codec, registry, Shortcuts.ON);
    }

    /** @param shortcuts {@link Shortcuts#ON} as the processor runs; {@link Shortcuts#OFF} for the tests that compare */
    public static Topology build(Topics topics, ProcessorSettings settings, EventCodec codec, MeterRegistry registry,
            Shortcuts shortcuts) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(codec, "codec");
        ProcessorMetrics metrics = new ProcessorMetrics(Objects.requireNonNull(registry, "registry"));

        // The topology carries the same settings as the application (a bare Topology builds a default config
        // and warns that the processing exception handler is not enabled, which here it is).
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(
                streamsConfig(TOPOLOGY_ONLY_BOOTSTRAP, topics, settings, registry))));
        topology.addSource(SOURCE_NODE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.in());
        topology.addProcessor(PROCESSOR_NODE,
                () -> new EventOfRecordProcessor(codec, settings, metrics, EVENTS_NODE, DLQ_NODE, shortcuts),
                SOURCE_NODE);
        // Persistent key-value stores, changelogged (the default). Every write reaches the changelog in the
        // transaction of the output it explains: a cached store flushes to its changelog before the commit. The
        // per-stream position and the held events are cached: a busy stream moves its position once per commit
        // instead of once per event in the changelog (one record less per event for the broker). The stream's
        // tenant is cached too: it is read for every event and written once per stream, and the cache keeps a
        // busy stream's owner in memory. The expiry index is cached: a chunk of it (RetainedHistory) is appended
        // to by every event and reaches RocksDB and the changelog once per commit. The other stores are written once
        // per key and read at most once per event of that key, where a cache would only add work.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EVENT_IDS_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR_NODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POSITION_OWNERS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR_NODE);
        var expiryIndex = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EXPIRY_INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray());
        topology.addStateStore(shortcuts.chunkedExpiryIndex() ? expiryIndex.withCachingEnabled() : expiryIndex,
                PROCESSOR_NODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STREAM_POSITIONS_STORE),
                Serdes.String(), Serdes.Long()).withCachingEnabled(), PROCESSOR_NODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STREAM_TENANTS_STORE),
                Serdes.String(), Serdes.String()).withCachingEnabled(), PROCESSOR_NODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HELD_EVENTS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR_NODE);
        topology.addSink(EVENTS_NODE, topics.events(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR_NODE);
        topology.addSink(DLQ_NODE, topics.dlq(), new ByteArraySerializer(), new ByteArraySerializer(),
                PROCESSOR_NODE);
        return topology;
    }

    /**
     * The Kafka Streams configuration of {@link EventProcessor}, also used by the topology tests. The
     * registry travels in the map so the exception handlers (created by Kafka Streams) can count dead letters.
     */
    public static Properties streamsConfig(String bootstrapServers, Topics topics, ProcessorSettings settings,
            MeterRegistry registry) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Output records, state changelogs and input offsets commit in one transaction: a crash never
        // passes an event twice nor loses one. Producers are idempotent with acks=all under this guarantee.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // With exactly_once_v2 the commit interval is the latency of the log of record for read_committed readers.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.commitIntervalMs());
        // A transaction's first record to a partition meets CONCURRENT_TRANSACTIONS while the previous commit's
        // markers are still being written (normal at a short commit interval; the broker retries for a while first).
        // The producer then backs off retry.backoff.ms before trying again: at the default 100 ms that pause is the
        // log's latency tail. Start the exponential back-off small; its ceiling (retry.backoff.max.ms) stays.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), PRODUCER_RETRY_BACKOFF_MS);
        // Local state lives in the project's data directory; a wiped directory means a full changelog restore.
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        // Changelog topics: 1 on the embedded single broker, 3 on a production cluster.
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.replicationFactor());
        // Warm copies of the state on other instances make a fail-over quick instead of a full restore.
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.numStandbyReplicas());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // A record that throws goes to the dead-letter topic with its reason; the stream keeps flowing.
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class);
        // No global stores here; opting in now is what Kafka 5.0 will do by default (and it silences a warning).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // The partition assignor rebuilds a StreamsConfig from the main consumer's settings: tell it too.
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationExceptionHandler.class);
        props.put(HandlerConfig.METER_REGISTRY, registry);
        return props;
    }
}
