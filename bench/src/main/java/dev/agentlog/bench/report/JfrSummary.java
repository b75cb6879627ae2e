package dev.agentlog.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's worker threads spent their time: the execution samples ({@code jdk.ExecutionSample}, what
 * {@code jfr print --events jdk.ExecutionSample} prints) of a recording, within a time window, summed by the method
 * on top of the stack (self time), by the first frame of each area of code found on the stack (inclusive time), and
 * by the first method of the contender's own code on the stack (which of its methods the time is spent under).
 */
public record JfrSummary(int samples, List<Share> topSelf, List<Share> byArea, String ownPrefix, List<Share> topOwn) {
    /** A method or area and its share of the samples. */
    public record Share(String name, int samples, double percent) {}

    /** Areas of code, first match from the top of the stack wins. */
    private static final Map<String, String> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("org.postgresql.", "PostgreSQL JDBC driver (statements, COPY, socket I/O)");
        AREAS.put("com.fasterxml.jackson.", "Jackson (JSON parse / write)");
        AREAS.put("dev.agentlog.events.", "agentlog events (decode, validate, upcast)");
        AREAS.put("dev.agentlog.sink.fold.", "agentlog sink fold (projection rows)");
        AREAS.put("dev.agentlog.query.", "agentlog query (point in time, history, diffs)");
        AREAS.put("dev.agentlog.sink.internal.", "agentlog sink batch writer (COPY rows, SQL)");
        AREAS.put("dev.agentlog.sink.", "agentlog sink core");
        AREAS.put("dev.agentlog.processor.", "agentlog processor (dedupe, order, state keys)");
        AREAS.put("org.rocksdb.", "RocksDB (state stores, JNI)");
        AREAS.put("org.apache.kafka.streams.", "Kafka Streams (tasks, stores, caches, changelogs)");
        AREAS.put("org.apache.kafka.clients.producer.", "Kafka producer (batching, send)");
        AREAS.put("org.apache.kafka.", "Kafka consumer (fetch, decompress, records)");
        AREAS.put("com.zaxxer.hikari.", "HikariCP");
        AREAS.put("io.debezium.", "Debezium JDBC sink");
        AREAS.put("org.hibernate.", "Hibernate");
    }

    /**
     * @param threads the worker threads, by name
     * @param onStack a class whose frame must be on the stack (the worker threads of a pool known by what they run),
     *     or null
     * @param ownPrefix the package prefix of the contender's own code, e.g. {@code dev.agentlog.}
     */
    public static JfrSummary of(Path recording, Predicate<String> threads, String onStack, Instant from, Instant to,
            int top, String ownPrefix) throws IOException {
        return of(recording, "jdk.ExecutionSample", threads, onStack, from, to, top, ownPrefix);
    }

    /**
     * @param eventType {@code jdk.ExecutionSample} (threads running Java code) or {@code jdk.NativeMethodSample}
     *     (threads in native code: JNI calls such as RocksDB's, which run, and waits in the kernel, which do not)
     */
    public static JfrSummary of(Path recording, String eventType, Predicate<String> threads, String onStack,
            Instant from, Instant to, int top, String ownPrefix) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> own = new HashMap<>();
        Map<String, Integer> areas = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals(eventType)) {
                    continue;
                }
                Instant at = e.getStartTime();
                if (at.isBefore(from) || at.isAfter(to)) {
                    continue;
                }
                var thread = e.getThread("sampledThread");
                if (thread == null || thread.getJavaName() == null || !threads.test(thread.getJavaName())) {
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                if (onStack != null && frames.stream().noneMatch(f -> f.getMethod().getType().getName().startsWith(onStack))) {
                    continue;
                }
                samples++;
                self.merge(name(frames.get(0)), 1, Integer::sum);
                areas.merge(area(frames), 1, Integer::sum);
                own.merge(firstOwn(frames, ownPrefix), 1, Integer::sum);
            }
        }
        return new JfrSummary(samples, top(self, samples, top), top(areas, samples, areas.size()), ownPrefix,
                top(own, samples, top));
    }

    private static String firstOwn(List<RecordedFrame> frames, String prefix) {
        for (RecordedFrame frame : frames) {
            if (frame.getMethod().getType().getName().startsWith(prefix)) {
                return name(frame);
            }
        }
        return "(outside " + prefix + "*)";
    }

    private static String area(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, String> area : AREAS.entrySet()) {
                if (type.startsWith(area.getKey())) {
                    return area.getValue();
                }
            }
        }
        return "JDK and other";
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static List<Share> top(Map<String, Integer> counts, int total, int n) {
        List<Share> out = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(e -> out.add(new Share(e.getKey(), e.getValue(), total == 0 ? 0 : 100.0 * e.getValue() / total)));
        return out;
    }
}
