package dev.agentlog.bench.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Topics;
import dev.agentlog.processor.EventProcessor;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.workload.LettaWorkload;
import dev.agentlog.workload.WorkloadEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The processor alone on the embedded broker: a preloaded {@code events.in} of the Letta-like log through agentlog's
 * processor (exactly-once, its defaults) to {@code events}, in this JVM. Each round has topics and an application id of
 * its own, so it starts from empty state. Its window runs from the first committed input offset seen (polled every
 * 20 ms through the consumer group's committed offsets, which exactly-once commits in the transaction of the output)
 * to the last: Streams' start-up and rebalance are left out. CPU is the stream threads' own (their thread CPU time over
 * the window), which a busy machine disturbs less than wall time.
 */
public final class ProcessorRun {
    private static final long POLL_MS = 20;

    /** One round: events in the window, its wall time, the stream threads' CPU over it. */
    public record Round(long events, long wallNanos, long streamThreadCpuNanos) {
        public double eventsPerSecond() {
            return events / (wallNanos / 1e9);
        }

        public double cpuMicrosPerEvent() {
            return streamThreadCpuNanos / 1e3 / events;
        }
    }

    private ProcessorRun() {}

    /**
     * @param withStreamSeq keep the log's {@code stream_seq} (the processor checks and keeps it); else strip it (the
     *     processor assigns it, as for events sent without one)
     */
    public static List<Round> run(Path dataDir, int partitions, long events, int agents, long seed, int rounds,
            boolean withStreamSeq) throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        BenchEnvironment.prepare(dir);
        List<ProducerRecord<byte[], byte[]>> input = input(events, agents, seed, withStreamSeq);
        List<Round> out = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, partitions)) {
            for (int r = 0; r <= rounds; r++) {
                Round round = round(broker.bootstrapServers(), dir.resolve("state-" + r), "bench-processor-" + r,
                        partitions, input);
                System.out.printf(java.util.Locale.ROOT, "%s %d: %,d events in %.2f s: %,.0f events/s, stream threads "
                                + "%.1f us CPU per event%n", r == 0 ? "warm-up" : "round", r, round.events(),
                        round.wallNanos() / 1e9, round.eventsPerSecond(), round.cpuMicrosPerEvent());
                if (r > 0) {
                    out.add(round);
                }
            }
        }
        return out;
    }

    private static Round round(String bootstrapServers, Path stateDir, String name, int partitions,
            List<ProducerRecord<byte[], byte[]>> input) throws Exception {
        Topics topics = new Topics(name);
        TopicAdmin.ensureTopics(bootstrapServers, topics, partitions, (short) 1, TimeUnit.DAYS.toMillis(1), 1024 * 1024);
        produce(bootstrapServers, topics.in(), input);
        ProcessorSettings settings = ProcessorSettings.defaults(stateDir).withApplicationId(name);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(adminProps);
             EventProcessor processor = new EventProcessor(bootstrapServers, topics, settings, new SimpleMeterRegistry())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topics.in(), p), OffsetSpec.latest());
            }
            long end = admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
            processor.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            long startCommitted = -1;
            long startNanos = 0;
            long startCpu = 0;
            while (true) {
                long committed = committed(admin, name);
                long now = System.nanoTime();
                if (startCommitted < 0 && committed > 0) {
                    startCommitted = committed;
                    startNanos = now;
                    startCpu = streamThreadCpuNanos();
                }
                if (committed >= end) {
                    return new Round(end - startCommitted, now - startNanos, streamThreadCpuNanos() - startCpu);
                }
                if (now > deadline || !processor.isRunning()) {
                    throw new IllegalStateException("the processor passed " + committed + " of " + end + " events ("
                            + processor.state() + ")");
                }
                Thread.sleep(POLL_MS); // poll interval of a bounded wait on a condition
            }
        }
    }

    private static long committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static long streamThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("-StreamThread-")) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                sum += Math.max(cpu, 0);
            }
        }
        return sum;
    }

    private static List<ProducerRecord<byte[], byte[]>> input(long events, int agents, long seed, boolean withStreamSeq)
            throws IOException {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>((int) events);
        LettaWorkload workload = new LettaWorkload(seed, events, agents);
        while (workload.hasNext()) {
            WorkloadEvent e = workload.next();
            byte[] value = e.json();
            if (!withStreamSeq) {
                ObjectNode tree = (ObjectNode) EventCodec.JSON.readTree(value);
                tree.remove("stream_seq");
                value = EventCodec.JSON.writeValueAsBytes(tree);
            }
            out.add(new ProducerRecord<>("", e.streamId().getBytes(StandardCharsets.UTF_8), value));
        }
        return out;
    }

    private static void produce(String bootstrapServers, String topic, List<ProducerRecord<byte[], byte[]>> input)
            throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(LogLoader.producerProperties(bootstrapServers))) {
            for (ProducerRecord<byte[], byte[]> r : input) {
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
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
