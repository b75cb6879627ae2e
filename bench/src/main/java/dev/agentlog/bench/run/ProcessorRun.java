package dev.agentlog.bench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.bench.child.ChildJvm;
import dev.agentlog.bench.run.ProcessorInput.Variant;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The processor alone: a preloaded {@code events.in} (one of the {@link Variant}s of the Letta-like log) through
 * agentlog's processor (exactly-once v2, its defaults) to {@code events}, the processor in a JVM of its own
 * ({@code ChildMain processor}) against the embedded broker in this one. Each round of each variant has topics and an
 * application id of its own, so it starts from empty state; the variants take turns within a round, in an order
 * rotated from round to round, so that a busy spell of a shared machine does not fall on one variant only.
 *
 * <p>The window runs from the first committed input offset seen (the consumer group's committed offsets, which
 * exactly-once commits in the transaction of the output, polled every 20 ms) to the last: the JVM's start, Streams'
 * start-up and the first rebalance are left out. CPU is the processor JVM's own over the window ({@code /proc}: every
 * thread, the stream thread, the Kafka clients' network threads, RocksDB's, GC and JIT), and the stream threads' alone;
 * the "steady" figures are from a third of the input on, when the JIT has compiled the hot code. After each round the
 * events of record are counted (read_committed) and the dead letters too: a round whose output is not exactly the
 * distinct events fails the run.
 */
public final class ProcessorRun {
    private static final long POLL_MS = 20;

    /** The run's settings. */
    public record Options(Path dataDir, int partitions, long events, int agents, long seed, int rounds,
            List<Variant> variants, double share, boolean withStreamSeq, List<String> jvmOptions, boolean profile,
            long commitIntervalMs, long gapTimeoutMs, List<String> streamsProperties) {}

    /** One round of one variant. */
    public record Round(Variant variant, int round, long inputEvents, long eventsOfRecord, long wallNanos,
            long jvmCpuNanos, long streamThreadCpuNanos, long steadyEvents, long steadyWallNanos,
            long steadyJvmCpuNanos, Path recording, Instant from, Instant to) {
        public double eventsPerSecond() {
            return inputEvents / (wallNanos / 1e9);
        }

        public double jvmCpuMicrosPerEvent() {
            return jvmCpuNanos / 1e3 / inputEvents;
        }

        public double streamThreadCpuMicrosPerEvent() {
            return streamThreadCpuNanos / 1e3 / inputEvents;
        }

        public double steadyEventsPerSecond() {
            return steadyEvents / (steadyWallNanos / 1e9);
        }

        public double steadyJvmCpuMicrosPerEvent() {
            return steadyJvmCpuNanos / 1e3 / steadyEvents;
        }
    }

    private ProcessorRun() {}

    public static List<Round> run(Options o) throws Exception {
        Path dir = o.dataDir().toAbsolutePath().normalize();
        BenchEnvironment.prepare(dir);
        Files.createDirectories(dir.resolve("logs"));
        List<ProcessorInput.Event> log = log(o.events(), o.agents(), o.seed());
        // without stream_seq unless asked (the processor assigns positions, as for events sent without one); the gaps
        // variant needs it
        List<ProcessorInput.Event> stripped = o.withStreamSeq() ? log : withoutStreamSeq(log);
        List<Round> out = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, o.partitions())) {
            for (int r = 1; r <= o.rounds(); r++) {
                for (int v = 0; v < o.variants().size(); v++) {
                    Variant variant = o.variants().get((v + r - 1) % o.variants().size());
                    List<ProcessorInput.Event> variantLog = variant == Variant.GAPS ? log : stripped;
                    ProcessorInput.Input input = ProcessorInput.of(variantLog, variant, o.share(), o.seed() + r);
                    Round round = round(broker.bootstrapServers(), dir, o, variant, r, input);
                    System.out.printf(Locale.ROOT, "round %d %-10s %,d input events (%,d of record, %,d re-delivered or"
                                    + " held) in %.2f s: %,.0f"
                                    + " events/s, JVM CPU %.1f us/event (stream threads %.1f); steady %,.0f events/s,"
                                    + " %.1f us/event; load %s%n", r, variant.label(), round.inputEvents(),
                            round.eventsOfRecord(), input.rearranged(), round.wallNanos() / 1e9, round.eventsPerSecond(),
                            round.jvmCpuMicrosPerEvent(), round.streamThreadCpuMicrosPerEvent(),
                            round.steadyEventsPerSecond(), round.steadyJvmCpuMicrosPerEvent(),
                            dev.agentlog.bench.measure.Machine.loadAverages());
                    out.add(round);
                }
            }
        }
        return out;
    }

    private static Round round(String bootstrapServers, Path dir, Options o, Variant variant, int r,
            ProcessorInput.Input input) throws Exception {
        String name = "bench-processor-" + variant.label() + "-" + r;
        Topics topics = new Topics(name);
        TopicAdmin.ensureTopics(bootstrapServers, topics, o.partitions(), (short) 1, TimeUnit.DAYS.toMillis(1),
                1024 * 1024);
        LogLoader.awaitLeaders(bootstrapServers, List.of(topics.in(), topics.events(), topics.dlq()));
        produce(bootstrapServers, topics.in(), input.records());
        List<String> jvmOptions = new ArrayList<>(o.jvmOptions());
        Path recording = null;
        if (o.profile()) {
            recording = dir.resolve("logs").resolve(name + ".jfr");
            jvmOptions.add("-XX:StartFlightRecording=settings=profile,filename=" + recording);
        }
        return drain(bootstrapServers, dir, o, name, name, variant, r, 0, input.distinctEvents(), jvmOptions, recording);
    }

    /**
     * Runs the processor (application id and topic prefix {@code name}, its state under {@code dir/state/name}) in a
     * JVM of its own until it has committed all of {@code events.in}, and measures it from the first commit past
     * {@code baseline} (the input offsets committed before this run: 0 for a fresh application; a log that grew, the
     * part read before) to the end. Fails unless {@code events} then holds exactly {@code ofRecord} events and the
     * dead-letter topic none.
     *
     * @param run names the JVM's log file (and the recording), {@code dir/logs/<run>.log}
     */
    public static Round drain(String bootstrapServers, Path dir, Options o, String name, String run, Variant variant,
            int r, long baseline, long ofRecord, List<String> jvmOptions, Path recording) throws Exception {
        Topics topics = new Topics(name);
        Path log = dir.resolve("logs").resolve(run + ".log");
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps)) {
            long end = endOffsets(admin, topics.in(), o.partitions());
            long third = baseline + (end - baseline) / 3;
            List<String> args = new ArrayList<>(List.of(bootstrapServers, name, name,
                    dir.resolve("state").resolve(name).toString(), Long.toString(o.commitIntervalMs()),
                    Long.toString(o.gapTimeoutMs())));
            args.addAll(o.streamsProperties());
            try (ChildJvm child = ChildJvm.start(run, jvmOptions, "processor", args, log)) {
                // 30 minutes, or longer for a big input (growth's 7M events at 2,000 events/s, a busy machine's pace)
                long deadline = System.nanoTime() + Math.max(TimeUnit.MINUTES.toNanos(30),
                        TimeUnit.SECONDS.toNanos((end - baseline) / 2_000));
                long startCommitted = -1;
                long startNanos = 0;
                long startCpu = 0;
                long startStreamCpu = 0;
                Instant from = null;
                long steadyCommitted = -1;
                long steadyNanos = 0;
                long steadyCpu = 0;
                while (true) {
                    long committed = committed(admin, name);
                    long now = System.nanoTime();
                    if (startCommitted < 0 && committed > baseline) {
                        startCommitted = committed;
                        startNanos = now;
                        from = Instant.now();
                        startCpu = child.cpuNanos();
                        startStreamCpu = child.stats().workerThreadCpuNanos();
                    }
                    if (steadyCommitted < 0 && committed >= third && committed < end) {
                        steadyCommitted = committed;
                        steadyNanos = now;
                        steadyCpu = child.cpuNanos();
                    }
                    if (committed >= end) {
                        long cpu = child.cpuNanos();
                        long streamCpu = child.stats().workerThreadCpuNanos();
                        if (steadyCommitted < 0) { // it all committed at once: the steady part is the whole window
                            steadyCommitted = startCommitted;
                            steadyNanos = startNanos;
                            steadyCpu = startCpu;
                        }
                        Round round = new Round(variant, r, end - startCommitted, 0, now - startNanos, cpu - startCpu,
                                streamCpu - startStreamCpu, end - steadyCommitted, now - steadyNanos,
                                cpu - steadyCpu, recording, from, Instant.now());
                        child.close(); // stops the recording too, before it is read
                        long eventsOfRecord = countCommitted(bootstrapServers, topics.events());
                        long deadLetters = countCommitted(bootstrapServers, topics.dlq());
                        if (eventsOfRecord != ofRecord || deadLetters != 0) {
                            throw new IllegalStateException("round " + r + " " + variant.label() + ": " + eventsOfRecord
                                    + " events of record and " + deadLetters + " dead letters, expected " + ofRecord
                                    + " and 0");
                        }
                        return new Round(variant, r, round.inputEvents(), eventsOfRecord, round.wallNanos(),
                                round.jvmCpuNanos(), round.streamThreadCpuNanos(), round.steadyEvents(),
                                round.steadyWallNanos(), round.steadyJvmCpuNanos(), recording, round.from(),
                                round.to());
                    }
                    if (now > deadline || !child.isAlive()) {
                        throw new IllegalStateException("the processor passed " + committed + " of " + end
                                + " events; see " + log);
                    }
                    Thread.sleep(POLL_MS); // poll interval of a bounded wait on a condition
                }
            }
        }
    }

    private static long endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                .mapToLong(x -> x.offset()).sum();
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        return offsets.values().stream().filter(x -> x != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Records of a topic a read_committed consumer sees (transaction markers and aborted records are not counted). */
    static long countCommitted(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long count = 0;
            long records = ends.values().stream().mapToLong(Long::longValue).sum();
            // 5 minutes and one more per million records: growth reads back 10M events of record
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5 + records / 1_000_000);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within "
                            + (5 + records / 1_000_000) + " minutes");
                }
                count += consumer.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }

    private static List<ProcessorInput.Event> log(long events, int agents, long seed) {
        List<ProcessorInput.Event> out = new ArrayList<>((int) events);
        LettaWorkload workload = new LettaWorkload(seed, events, agents);
        while (workload.hasNext()) {
            WorkloadEvent e = workload.next();
            out.add(new ProcessorInput.Event(e.streamId(), e.json()));
        }
        return out;
    }

    /** The events as sent without stream_seq: the processor assigns the positions. */
    private static List<ProcessorInput.Event> withoutStreamSeq(List<ProcessorInput.Event> log) throws IOException {
        List<ProcessorInput.Event> out = new ArrayList<>(log.size());
        for (ProcessorInput.Event e : log) {
            out.add(new ProcessorInput.Event(e.streamId(), withoutStreamSeq(e.json())));
        }
        return out;
    }

    /** One event as sent without stream_seq. */
    public static byte[] withoutStreamSeq(byte[] json) throws IOException {
        ObjectNode tree = (ObjectNode) EventCodec.JSON.readTree(json);
        tree.remove("stream_seq");
        return EventCodec.JSON.writeValueAsBytes(tree);
    }

    private static void produce(String bootstrapServers, String topic, List<ProcessorInput.Event> input)
            throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LogLoader.producerProperties(bootstrapServers))) {
            for (ProcessorInput.Event e : input) {
                producer.send(new ProducerRecord<>(topic, e.streamId().getBytes(StandardCharsets.UTF_8), e.json()),
                        (m, x) -> {
                            if (x != null) {
                                failure.compareAndSet(null, x);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the processor's input failed: " + failure.get(), failure.get());
        }
    }
}
