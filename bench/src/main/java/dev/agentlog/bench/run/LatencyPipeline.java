package dev.agentlog.bench.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The part of agentlog a latency run measures through, in the bench's JVM: the processor and one sink worker (with
 * `agentlog up`'s defaults but the two latency settings) on their own topics and schema, ingest too when asked, and
 * the bench's bookkeeping beside them: a {@code read_committed} consumer of the log of record and a poller of the
 * sink's {@code sink_offsets} (every 5 ms), which together tell the {@link LatencyResolver} when each acknowledged
 * event's row became visible. {@link #withoutRows} runs none of that: the topics only, for a load measured up to the
 * 202, with the machine's CPU left to ingest and the broker.
 */
public final class LatencyPipeline implements AutoCloseable {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private final BenchEnvironment env;
    private final Topics topics;
    private final String schema;
    private final String group;
    private final LatencyResolver resolver = new LatencyResolver();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final HikariDataSource pool;
    private final KafkaReadiness readiness;
    private final Pipeline pipeline;
    private final List<Thread> threads = new ArrayList<>();
    private final boolean rows;
    private Supplier<String> stages = () -> "";
    private StageCounts stageCounts;

    /** What one load measured: the ack-to-row figures and what the load generator saw. */
    public record Measurement(LatencyResult rows, LoadGenerator.Offered offered, long[] ackToRowNanos) {}

    private LatencyPipeline(BenchEnvironment env, Topics topics, String schema, String group, boolean rows)
            throws Exception {
        this.env = env;
        this.rows = rows;
        this.topics = topics;
        this.schema = schema;
        this.group = group;
        this.pool = Database.pool(env.postgres().jdbcUrl(), env.postgres().user(), "", 2, "bench-latency");
        this.readiness = new KafkaReadiness(env.bootstrapServers());
        this.pipeline = new Pipeline(env.bootstrapServers(), topics, new SimpleMeterRegistry());
    }

    /**
     * Makes the topics and a fresh schema, starts the sink and the processor (and ingest when {@code ingest} is not
     * null, on any free port), waits until the processor runs, and starts the bookkeeping.
     *
     * @param commitIntervalMs the processor's {@code --commit-interval-ms}
     * @param batchMaxWaitMs   the sink's {@code --batch-max-wait-ms}
     */
    public static LatencyPipeline start(BenchEnvironment env, Topics topics, String schema, String group, int partitions,
            long commitIntervalMs, int batchMaxWaitMs, IngestSettings ingest) throws Exception {
        TopicAdmin.ensureTopics(env.bootstrapServers(), topics, partitions, (short) 1, TimeUnit.DAYS.toMillis(1), 1 << 20);
        LogLoader.awaitLeaders(env.bootstrapServers(), List.of(topics.in(), topics.events()));
        env.freshSchema(schema);
        env.checkpoint();
        LatencyPipeline p = new LatencyPipeline(env, topics, schema, group, true);
        try {
            SinkSettings sink = SinkSettings.defaults().withSchema(schema).withGroupId(group);
            sink = new SinkSettings(sink.groupId(), sink.schema(), sink.batchMaxEvents(), batchMaxWaitMs,
                    sink.retryMaxAttempts(), sink.retryBackoffMs(), sink.retryBackoffMaxMs());
            p.pipeline.startSink(sink, p.pool, 1)
                    .startProcessor(ProcessorSettings.defaults(env.workDir(schema))
                            .withApplicationId(group + "-processor").withCommitIntervalMs(commitIntervalMs));
            if (ingest != null) {
                p.pipeline.startIngest(ingest.withPort(0), () -> "", p.readiness, server -> { });
            }
            p.pipeline.awaitProcessorRunning(Duration.ofSeconds(120));
            p.threads.add(daemon("bench-latency-log", () -> p.readLog(partitions)));
            p.threads.add(daemon("bench-latency-offsets", p::pollOffsets));
            p.threads.forEach(Thread::start);
            p.stageCounts = new StageCounts(p);
            p.stages = p.stageCounts;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** The topics only: no processor, no sink, no bookkeeping; loads are measured up to their 202s. */
    public static LatencyPipeline withoutRows(BenchEnvironment env, Topics topics, int partitions) throws Exception {
        TopicAdmin.ensureTopics(env.bootstrapServers(), topics, partitions, (short) 1, TimeUnit.DAYS.toMillis(1), 1 << 20);
        LogLoader.awaitLeaders(env.bootstrapServers(), List.of(topics.in(), topics.events()));
        return new LatencyPipeline(env, topics, null, null, false);
    }

    /** Whether the events are carried on to rows (the ack-to-row figures are measured). */
    public boolean rows() {
        return rows;
    }

    /** The port of ingest in this JVM. */
    public int httpPort() {
        return pipeline.httpPort();
    }

    /**
     * Offers one load to {@code target} (see {@link LoadGenerator#offer}), waits (bounded) until every measured event's
     * row is visible, and returns the figures; the bookkeeping starts clean for the next load.
     */
    public Measurement measure(HttpTarget target, int rate, int seconds, int warmUpSeconds, String label,
            LoadGenerator.MeasuredPart part) throws Exception {
        Progress progress = new Progress(label, seconds, "s");
        LoadGenerator.Offered offered = LoadGenerator.offer(target, resolver::acked, rate, seconds, warmUpSeconds,
                part, progress, stages);
        if (!rows) {
            resolver.drain();
            long[] acks = offered.requestAckNanos();
            progress.done(String.format(Locale.ROOT, "ack p50 %.2f ms, p99 %.2f ms (%,d requests, %,.0f acked events/s%s)",
                    Percentiles.millis(acks, 0.50), Percentiles.millis(acks, 0.99), acks.length,
                    offered.ackedEvents() / offered.measuredSeconds(),
                    offered.failed() == 0 ? "" : ", " + offered.failed() + " requests failed"));
            return new Measurement(new LatencyResult(rate, offered.ackedEvents() / offered.measuredSeconds(),
                    offered.batchSize(), 0, 0, offered.failed(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN), offered, new long[0]);
        }
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (resolver.measuredVisible() < resolver.measuredAcks() && System.nanoTime() < deadline) {
            Thread.sleep(50); // poll interval of a bounded wait on a condition
        }
        int acked = resolver.measuredAcks();
        long[][] stageNanos = resolver.drainStages();
        long[] nanos = stageNanos[0];
        Arrays.sort(nanos);
        Arrays.sort(stageNanos[1]);
        Arrays.sort(stageNanos[2]);
        LatencyResult result = new LatencyResult(rate, offered.ackedEvents() / offered.measuredSeconds(),
                offered.batchSize(), nanos.length, acked - nanos.length, offered.failed(), Percentiles.millis(nanos, 0.50),
                Percentiles.millis(nanos, 0.95), Percentiles.millis(nanos, 0.99), Percentiles.max(nanos),
                Percentiles.millis(stageNanos[1], 0.50), Percentiles.millis(stageNanos[1], 0.99),
                Percentiles.millis(stageNanos[2], 0.50), Percentiles.millis(stageNanos[2], 0.99));
        long[] acks = offered.requestAckNanos();
        progress.done(String.format(Locale.ROOT, "ack p50 %.2f ms, p99 %.2f ms; ack to row p50 %.1f ms, p99 %.1f ms"
                + " (%,d events, %,.0f acked/s%s)", Percentiles.millis(acks, 0.50), Percentiles.millis(acks, 0.99),
                result.p50Millis(), result.p99Millis(), result.measured(), result.achievedPerSecond(),
                offered.failed() == 0 ? "" : ", " + offered.failed() + " requests failed"));
        return new Measurement(result, offered, nanos);
    }

    /** Reads the log of record (as the sink does: read_committed) and tells the resolver where each event sits. */
    private void readLog(int partitions) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // answer as soon as anything is there: this consumer only learns positions
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                all.add(new TopicPartition(topics.events(), i));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            while (!stop.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String eventId = eventId(r.value());
                    if (eventId != null) {
                        resolver.logged(eventId, r.partition(), r.offset(), System.nanoTime());
                    }
                }
            }
        }
    }

    /** The event_id of an event as the processor writes it, without parsing the whole event. */
    static String eventId(byte[] value) {
        if (value == null) {
            return null;
        }
        String json = new String(value, StandardCharsets.UTF_8);
        int key = json.indexOf("\"event_id\":\"");
        if (key < 0) {
            return null;
        }
        int from = key + "\"event_id\":\"".length();
        int to = json.indexOf('"', from);
        return to < 0 ? null : json.substring(from, to);
    }

    /** Polls the sink's offsets every 5 ms: the moment a partition's offset moves, its batch's rows are visible. */
    private void pollOffsets() {
        String sql = "SELECT \"partition\", next_offset FROM " + schema + ".sink_offsets WHERE consumer_group = ? AND topic = ?";
        try (Connection c = env.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, group);
            ps.setString(2, topics.events());
            while (!stop.get()) {
                long now = System.nanoTime();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        resolver.applied(rs.getInt(1), rs.getLong(2), now);
                    }
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (Exception e) {
            if (!stop.get()) {
                throw new IllegalStateException("polling " + schema + ".sink_offsets failed: " + e, e);
            }
        }
    }

    /** Stops the bookkeeping, then the pipeline. */
    @Override
    public void close() {
        if (stageCounts != null) {
            stageCounts.close();
        }
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pipeline.close();
        readiness.close();
        pool.close();
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * For the progress line: records in {@code .events.in}, in the log of record (committed, transaction markers
     * included), applied by the sink, and measured events visible: which stage lags, if one does.
     */
    private static final class StageCounts implements Supplier<String>, AutoCloseable {
        private final LatencyPipeline p;
        private final Admin admin;

        StageCounts(LatencyPipeline p) {
            this.p = p;
            this.admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.env.bootstrapServers()));
        }

        @Override
        public String get() {
            try {
                return String.format(Locale.ROOT, "in %,d, log %,d, sink %,d; measured visible %,d of %,d",
                        end(p.topics.in()), end(p.topics.events()), p.env.queryLong("SELECT coalesce(sum(next_offset), 0)"
                                + " FROM " + p.schema + ".sink_offsets WHERE consumer_group = '" + p.group + "'"),
                        p.resolver.measuredVisible(), p.resolver.measuredAcks());
            } catch (Exception e) {
                return e.toString();
            }
        }

        private long end(String topic) throws Exception {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var d : admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()) {
                latest.put(new TopicPartition(topic, d.partition()), OffsetSpec.latest());
            }
            long sum = 0;
            for (var info : admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS).values()) {
                sum += info.offset();
            }
            return sum;
        }

        @Override
        public void close() {
            admin.close();
        }
    }
}
