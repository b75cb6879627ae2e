package dev.agentlog.bench.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * HTTP-ack-to-row-visible latency of the whole pipeline (ingest, processor, sink in this JVM, with `agentlog up`'s
 * defaults) at fixed offered loads: {@code message.created} events posted open-loop, at most 500 requests per second (a
 * load above that in small batches), each event's latency from its request's 202 to the sink's commit of its offset.
 * Own topics ({@code benchlat.*}) and schema, so the throughput runs' log is not in the way.
 */
public final class LatencyRun {
    static final Topics TOPICS = new Topics("benchlat");
    static final String SCHEMA = "bench_latency";
    static final String GROUP = "bench-latency-sink";
    /** Requests per second at most: loads above it go in batches (rate / this many events per request). */
    private static final int REQUESTS_PER_SECOND = 500;
    /** Sender threads, each with its own connection: enough for 500 requests/s at up to 120 ms per request. */
    private static final int SENDERS = 64;
    private static final int WARM_UP_SECONDS = 3;
    /**
     * Before any load is measured: the pipeline runs in this JVM, whose JIT compiles its code under load; on 2 cores
     * the compiler threads still took a third of the machine after 20 s at 1,000 events/s.
     */
    public static final int WARM_UP_RATE = 2000;
    public static final int WARM_UP_RUN_SECONDS = 40;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final Duration DRAIN = Duration.ofSeconds(60);

    private LatencyRun() {}

    /**
     * What the latency runs measured.
     *
     * @param cdc null when not measured, {@code cdcNote} says why
     */
    public record Results(List<LatencyResult> http, CdcFigures cdc, String cdcNote) {}

    /**
     * @param cdcPerSecond commits per second of the CDC run; 0 skips it
     */
    public static Results run(BenchEnvironment env, List<Integer> rates, int seconds, int partitions,
            long commitIntervalMs, int batchMaxWaitMs, int cdcPerSecond, int cdcSeconds) throws Exception {
        TopicAdmin.ensureTopics(env.bootstrapServers(), TOPICS, partitions, (short) 1, TimeUnit.DAYS.toMillis(1), 1 << 20);
        LogLoader.awaitLeaders(env.bootstrapServers(), List.of(TOPICS.in(), TOPICS.events()));
        env.freshSchema(SCHEMA);
        env.checkpoint();
        String apiKey = "bench-" + UUID.randomUUID();
        LatencyResolver resolver = new LatencyResolver();
        AtomicBoolean stop = new AtomicBoolean();
        List<LatencyResult> results = new ArrayList<>();
        CdcFigures cdc = null;
        String cdcNote = "Not measured in this run: skipped (--cdc-seconds 0)";
        try (HikariDataSource pool = Database.pool(env.postgres().jdbcUrl(), env.postgres().user(), "", 2, "bench-latency");
             KafkaReadiness readiness = new KafkaReadiness(env.bootstrapServers());
             Pipeline pipeline = new Pipeline(env.bootstrapServers(), TOPICS, new SimpleMeterRegistry())) {
            SinkSettings sink = SinkSettings.defaults().withSchema(SCHEMA).withGroupId(GROUP);
            sink = new SinkSettings(sink.groupId(), sink.schema(), sink.batchMaxEvents(), batchMaxWaitMs,
                    sink.retryMaxAttempts(), sink.retryBackoffMs(), sink.retryBackoffMaxMs());
            pipeline.startSink(sink, pool, 1)
                    .startProcessor(ProcessorSettings.defaults(env.workDir("latency"))
                            .withApplicationId("bench-latency-processor").withCommitIntervalMs(commitIntervalMs))
                    .startIngest(IngestSettings.defaults(ApiKeys.of(Map.of("bench", apiKey))).withPort(0), () -> "",
                            readiness, server -> { })
                    .awaitProcessorRunning(Duration.ofSeconds(120));
            Thread logReader = daemon("bench-latency-log", () -> readLog(env.bootstrapServers(), partitions, resolver, stop));
            Thread offsets = daemon("bench-latency-offsets", () -> pollOffsets(env, resolver, stop));
            logReader.start();
            offsets.start();
            URI uri = URI.create("http://127.0.0.1:" + pipeline.httpPort() + "/v1/events");
            StageCounts stages = new StageCounts(env, resolver);
            try {
                // the sink joins its group and the processor warms up, and all of it is through, before anything counts
                measure(uri, apiKey, resolver, WARM_UP_RATE, WARM_UP_RUN_SECONDS, 0, "latency warm-up", stages);
                for (int rate : rates) {
                    results.add(measure(uri, apiKey, resolver, rate, seconds, WARM_UP_SECONDS,
                            String.format(Locale.ROOT, "latency at %,d events/s", rate), stages));
                }
                if (cdcPerSecond > 0 && cdcSeconds > 0) {
                    try {
                        cdc = CdcLatencyRun.run(env, TOPICS, SCHEMA, cdcPerSecond, cdcSeconds);
                    } catch (Exception | LinkageError e) {
                        cdcNote = "Not measured in this run: change-data capture failed: " + e;
                        System.err.println("  CDC latency not measured: " + e);
                    }
                }
            } finally {
                stages.close();
                stop.set(true);
                logReader.join(10_000);
                offsets.join(10_000);
            }
        }
        return new Results(results, cdc, cdcNote);
    }

    private static LatencyResult measure(URI uri, String apiKey, LatencyResolver resolver, int rate, int seconds,
            int warmUpSeconds, String label, java.util.function.Supplier<String> counts) throws Exception {
        Progress progress = new Progress(label, seconds, "s");
        Offered offered = offer(uri, apiKey, resolver, rate, seconds, warmUpSeconds, progress, counts);
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (resolver.measuredVisible() < resolver.measuredAcks() && System.nanoTime() < deadline) {
            Thread.sleep(50); // poll interval of a bounded wait on a condition
        }
        int acked = resolver.measuredAcks();
        long[][] stages = resolver.drainStages();
        long[] nanos = stages[0];
        Arrays.sort(nanos);
        Arrays.sort(stages[1]);
        Arrays.sort(stages[2]);
        LatencyResult result = new LatencyResult(rate, offered.measuredEvents / offered.measuredSeconds,
                offered.batchSize, nanos.length, acked - nanos.length, offered.failed.get(), percentile(nanos, 0.50),
                percentile(nanos, 0.95), percentile(nanos, 0.99), nanos.length == 0 ? Double.NaN : nanos[nanos.length - 1] / 1e6,
                percentile(stages[1], 0.50), percentile(stages[1], 0.99), percentile(stages[2], 0.50),
                percentile(stages[2], 0.99));
        progress.done(String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%,d events, %,.0f acked/s)",
                result.p50Millis(), result.p95Millis(), result.p99Millis(), result.measured(), result.achievedPerSecond()));
        return result;
    }

    /** What one offered load sent. */
    private static final class Offered {
        int batchSize;
        final AtomicInteger failed = new AtomicInteger();
        long measuredEvents;
        double measuredSeconds;
    }

    /**
     * Sends {@code rate} events per second for {@code seconds}: {@value #REQUESTS_PER_SECOND} requests per second at
     * most, each of {@code rate / REQUESTS_PER_SECOND} events (one below that rate), at send times fixed in advance and
     * dealt round-robin to {@value #SENDERS} threads, each posting over its own kept-alive connection and taking the
     * ack time as soon as it reads the status line. A sender that falls behind sends late: the achieved rate says so.
     */
    private static Offered offer(URI uri, String apiKey, LatencyResolver resolver, int rate, int seconds,
            int warmUpSeconds, Progress progress, java.util.function.Supplier<String> stages) throws InterruptedException {
        Offered o = new Offered();
        o.batchSize = Math.max(1, rate / REQUESTS_PER_SECOND);
        double requestsPerSecond = (double) rate / o.batchSize;
        long interval = (long) (1e9 / requestsPerSecond);
        long requests = (long) (requestsPerSecond * seconds);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        long measuredFrom = start + TimeUnit.SECONDS.toNanos(warmUpSeconds);
        AtomicInteger measuredEvents = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            int first = t;
            Random random = new Random(rate * 31L + t);
            Thread sender = new Thread(() -> {
                for (long i = first; i < requests; i += SENDERS) {
                    long at = start + i * interval;
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean measured = at >= measuredFrom;
                    List<String> ids = new ArrayList<>(o.batchSize);
                    StringBuilder body = new StringBuilder(o.batchSize * 520).append('[');
                    for (int e = 0; e < o.batchSize; e++) {
                        String id = UUID.randomUUID().toString();
                        ids.add(id);
                        body.append(e == 0 ? "" : ",").append(event(id, random));
                    }
                    body.append(']');
                    if (measured) {
                        measuredEvents.addAndGet(o.batchSize);
                    }
                    if (post(uri, apiKey, body.toString())) {
                        long now = System.nanoTime();
                        ids.forEach(id -> resolver.acked(id, now, measured));
                    } else {
                        o.failed.incrementAndGet();
                    }
                    if (first == 0) {
                        progress.update(Math.max(0, (System.nanoTime() - start) / 1_000_000_000L), stages.get());
                    }
                }
            }, "bench-http-" + t);
            sender.setDaemon(true);
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        o.measuredEvents = measuredEvents.get();
        o.measuredSeconds = Math.max(1e-9, (System.nanoTime() - measuredFrom) / 1e9);
        return o;
    }

    /** One POST; true on 202. The connection is kept alive by the JDK for this thread's next request. */
    private static boolean post(URI uri, String apiKey, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            c.setRequestProperty("Authorization", "Bearer " + apiKey);
            c.setRequestProperty("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes(); // drained, so that the connection is reused
                }
            }
            return status == 202;
        } catch (IOException e) {
            return false;
        }
    }

    private static String event(String id, Random random) {
        StringBuilder text = new StringBuilder(300);
        while (text.length() < 300) {
            text.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(6) == 0) {
                text.append(' ');
            }
        }
        return "{\"event_id\":\"" + id + "\",\"type\":\"message.created\",\"schema_version\":2,\"stream_id\":\"agent-lat-"
                + random.nextInt(100) + "\",\"occurred_at\":\"" + java.time.Instant.now() + "\",\"source\":\"bench\","
                + "\"payload\":{\"message_id\":\"message-" + id + "\",\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + text + "\"}]}}";
    }

    /** Reads the log of record (as the sink does: read_committed) and tells the resolver where each event sits. */
    private static void readLog(String bootstrapServers, int partitions, LatencyResolver resolver, AtomicBoolean stop) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // answer as soon as anything is there: this consumer only learns positions
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                all.add(new TopicPartition(TOPICS.events(), i));
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
    private static void pollOffsets(BenchEnvironment env, LatencyResolver resolver, AtomicBoolean stop) {
        String sql = "SELECT \"partition\", next_offset FROM " + SCHEMA + ".sink_offsets WHERE consumer_group = ? AND topic = ?";
        try (Connection c = env.pool().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, GROUP);
            ps.setString(2, TOPICS.events());
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
                throw new IllegalStateException("polling " + SCHEMA + ".sink_offsets failed: " + e, e);
            }
        }
    }

    /**
     * For the progress line: records in {@code .events.in}, in the log of record (committed, transaction markers
     * included), applied by the sink, and measured events visible: which stage lags, if one does.
     */
    private static final class StageCounts implements java.util.function.Supplier<String>, AutoCloseable {
        private final BenchEnvironment env;
        private final LatencyResolver resolver;
        private final org.apache.kafka.clients.admin.Admin admin;

        StageCounts(BenchEnvironment env, LatencyResolver resolver) {
            this.env = env;
            this.resolver = resolver;
            this.admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                    org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()));
        }

        @Override
        public String get() {
            try {
                return String.format(Locale.ROOT, "in %,d, log %,d, sink %,d; measured visible %,d of %,d", end(TOPICS.in()),
                        end(TOPICS.events()), env.queryLong("SELECT coalesce(sum(next_offset), 0) FROM " + SCHEMA
                                + ".sink_offsets WHERE consumer_group = '" + GROUP + "'"),
                        resolver.measuredVisible(), resolver.measuredAcks());
            } catch (Exception e) {
                return e.toString();
            }
        }

        private long end(String topic) throws Exception {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            for (var d : admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()) {
                latest.put(new TopicPartition(topic, d.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            long sum = 0;
            for (var info : admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS).values()) {
                sum += info.offset();
            }
            return sum;
        }

        @Override
        public void close() {
            admin.close();
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
