package dev.agentlog.bench.run;

import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.bench.workload.PeerMessageRecords;
import dev.agentlog.events.EventType;
import dev.agentlog.events.Topics;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Generates the Letta-like log once and produces it: every event to the log of record ({@code agentlog.events}, what
 * agentlog's sink reads), and, for {@code compare}, each change of a messages row to the peer's topic in Kafka
 * Connect's JSON-with-schema format. Uncompressed, as the processor writes the log of record.
 */
public final class LogLoader {
    /** The peer's input topic. */
    public static final String PEER_TOPIC = "bench.peer.messages";
    private static final long IN_RETENTION_MS = TimeUnit.DAYS.toMillis(7);

    private LogLoader() {}

    public static LoadedLog load(String bootstrapServers, int partitions, long events, int agents, long seed,
            boolean forPeer) throws Exception {
        return load(bootstrapServers, partitions, events, agents, seed, forPeer, 0, events);
    }

    /**
     * Events {@code from} (inclusive) to {@code to} of the workload of {@code events} events: a log made in parts (the
     * snapshots bench appends a tail after its snapshot).
     */
    public static LoadedLog load(String bootstrapServers, int partitions, long events, int agents, long seed,
            boolean forPeer, long from, long to) throws Exception {
        return load(bootstrapServers, partitions, events, agents, seed, forPeer, from, to, Topics.DEFAULT,
                java.util.function.UnaryOperator.identity());
    }

    /**
     * As above, into the log of {@code topics}, each record's value made by {@code value} from the workload's (a sealed
     * log: the edge's sealing, for the encryption comparison).
     */
    public static LoadedLog load(String bootstrapServers, int partitions, long events, int agents, long seed,
            boolean forPeer, long from, long to, Topics topics, java.util.function.UnaryOperator<byte[]> value)
            throws Exception {
        return load(bootstrapServers, partitions, events, agents, seed, forPeer, from, to, topics, value,
                java.util.function.UnaryOperator.identity());
    }

    /** As above, the workload shaped by {@code shape} first (e.g. {@link LettaWorkload#withQueryFixtures()}). */
    public static LoadedLog load(String bootstrapServers, int partitions, long events, int agents, long seed,
            boolean forPeer, long from, long to, Topics topics, java.util.function.UnaryOperator<byte[]> value,
            java.util.function.UnaryOperator<LettaWorkload> shape) throws Exception {
        return load(bootstrapServers, partitions, events, agents, seed, forPeer, from, to, topics, topics.events(),
                value, shape);
    }

    /**
     * As above, into the processor's input ({@code topics.in()}) instead of the log of record: what
     * {@code agentlog ingest} would have written, for the processor to read.
     */
    public static LoadedLog loadInput(String bootstrapServers, int partitions, long events, int agents, long seed,
            long from, long to, Topics topics, java.util.function.UnaryOperator<byte[]> value,
            java.util.function.UnaryOperator<LettaWorkload> shape) throws Exception {
        return load(bootstrapServers, partitions, events, agents, seed, false, from, to, topics, topics.in(), value,
                shape);
    }

    private static LoadedLog load(String bootstrapServers, int partitions, long events, int agents, long seed,
            boolean forPeer, long from, long to, Topics topics, String target,
            java.util.function.UnaryOperator<byte[]> value, java.util.function.UnaryOperator<LettaWorkload> shape)
            throws Exception {
        TopicAdmin.ensureTopics(bootstrapServers, topics, partitions, (short) 1, IN_RETENTION_MS, 1024 * 1024);
        if (forPeer) {
            createTopic(bootstrapServers, PEER_TOPIC, partitions);
        }
        awaitLeaders(bootstrapServers, forPeer ? List.of(target, PEER_TOPIC) : List.of(target));
        Map<EventType, Long> byType = new EnumMap<>(EventType.class);
        PeerMessageRecords peer = new PeerMessageRecords();
        String[] markers = new String[partitions];
        Set<String> deleted = new HashSet<>();
        long bytes = 0;
        long peerRecords = 0;
        long tombstones = 0;
        long created = 0;
        AtomicReference<Exception> failure = new AtomicReference<>();
        Progress progress = new Progress("producing the log", to - from, "events");
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers))) {
            LettaWorkload workload = shape.apply(new LettaWorkload(seed, events, agents));
            long sent = 0;
            for (long skipped = 0; skipped < from && workload.hasNext(); skipped++) {
                workload.next();
            }
            while (workload.hasNext() && sent < to - from) {
                WorkloadEvent e = workload.next();
                byType.merge(e.type(), 1L, Long::sum);
                bytes += e.json().length;
                producer.send(new ProducerRecord<>(target, e.streamId().getBytes(StandardCharsets.UTF_8),
                        value.apply(e.json())), (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            }
                        });
                if (forPeer) {
                    PeerMessageRecords.PeerRecord r = peer.of(e);
                    if (r != null) {
                        peerRecords++;
                        if (r.value() == null) {
                            tombstones++;
                            deleted.add(r.messageId());
                        } else if (e.type() == EventType.MESSAGE_CREATED) {
                            created++;
                        }
                        boolean newRow = e.type() == EventType.MESSAGE_CREATED;
                        // callbacks of one partition run in offset order: the marker is its last record, if it makes a row
                        producer.send(new ProducerRecord<>(PEER_TOPIC, r.key(), r.value()), (metadata, exception) -> {
                            if (exception != null) {
                                failure.compareAndSet(null, exception);
                            } else {
                                markers[metadata.partition()] = newRow ? r.messageId() : null;
                            }
                        });
                    }
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("producing the bench log failed: " + failure.get(), failure.get());
                }
                progress.update(++sent);
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the bench log failed: " + failure.get(), failure.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long messageRows = forPeer ? created - deleted.size() : -1;
        progress.done(String.format(java.util.Locale.ROOT, "%,d events%s in %.1f s", to - from,
                forPeer ? String.format(java.util.Locale.ROOT, " and %,d peer records", peerRecords) : "", seconds));
        List<String> markerList = new ArrayList<>(Arrays.asList(markers));
        return new LoadedLog(to - from, byType, bytes, peerRecords, tombstones, messageRows, markerList, seconds);
    }

    /** The bench's bulk loader: acks=all and idempotent as every agentlog producer, fuller batches. */
    static Properties producerProperties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // as every agentlog producer: nothing acknowledged is lost
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // one request at a time: a retry (a just-created partition answers NOT_LEADER_OR_FOLLOWER for a moment) can then
        // never race a later batch, which otherwise ended in OutOfOrderSequence errors until the delivery timeout
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // bulk load: fuller batches, fewer requests (what the log's consumers see does not depend on it)
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        return p;
    }

    /**
     * Waits until every partition of the topics has a leader: producing to a topic created a moment ago otherwise meets
     * NOT_LEADER_OR_FOLLOWER, and the idempotent producer's retries then fail with OutOfOrderSequence.
     */
    static void awaitLeaders(String bootstrapServers, List<String> topics) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                boolean ready;
                try {
                    var described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values();
                    ready = described.stream().allMatch(d -> d.partitions().stream()
                            .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                    if (ready) {
                        // the leader's log must answer too (ListOffsets is served by it), not only the metadata
                        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                                new java.util.HashMap<>();
                        described.forEach(d -> d.partitions().forEach(p -> latest.put(
                                new org.apache.kafka.common.TopicPartition(d.name(), p.partition()),
                                org.apache.kafka.clients.admin.OffsetSpec.latest())));
                        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    ready = false; // a topic created a moment ago may not be known to the broker's metadata yet
                }
                if (ready) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the partitions of " + topics + " have no leader after 60 s");
                }
                Thread.sleep(100); // poll interval of a bounded wait on a condition
            }
        }
    }

    private static void createTopic(String bootstrapServers, String topic, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
    }
}
