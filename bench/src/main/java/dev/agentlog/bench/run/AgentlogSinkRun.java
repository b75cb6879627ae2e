package dev.agentlog.bench.run;

import dev.agentlog.bench.child.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * agentlog's sink, effectively once (offsets in {@code sink_offsets}, in each batch's transaction), in a JVM of its own
 * with the heap limit the target names, on a fresh schema, reading the whole log of record.
 */
public final class AgentlogSinkRun {
    /** Where {@link #run} leaves JFR recordings: the execution samples of the worker JVM, every 10 ms. */
    static final String JFC = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="agentlog-bench" description="execution and allocation samples">
              <event name="jdk.ExecutionSample"><setting name="enabled">true</setting><setting name="period">10 ms</setting></event>
              <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">100/s</setting><setting name="stackTrace">true</setting></event>
            </configuration>
            """;

    /**
     * @param workers sink workers (consumer threads) in the JVM, as {@code agentlog sink --sink-workers}
     * @param heap the worker JVM's -Xmx, e.g. {@code 256m}
     */
    public record Settings(String schema, String groupId, int workers, int batchMaxEvents, String heap,
            List<String> jvmOptions, boolean profile, List<String> sealedLog) {
        public Settings(String schema, String groupId, int workers, int batchMaxEvents, String heap,
                List<String> jvmOptions, boolean profile) {
            this(schema, groupId, workers, batchMaxEvents, heap, jvmOptions, profile, List.of());
        }

        /** The same, reading a sealed log: its topic prefix, the KEK file, the schema of its data keys. */
        public Settings sealed(String topicPrefix, Path kekFile, String keysSchema) {
            return new Settings(schema, groupId, workers, batchMaxEvents, heap, jvmOptions, profile,
                    List.of(topicPrefix, kekFile.toString(), keysSchema));
        }

        String describe() {
            return String.format(Locale.ROOT, "%d worker%s, --batch-max-events %d, -Xmx%s%s, one pool of %d connection%s",
                    workers, workers == 1 ? "" : "s", batchMaxEvents, heap,
                    jvmOptions.isEmpty() ? "" : " " + String.join(" ", jvmOptions), Math.max(2, workers),
                    Math.max(2, workers) == 1 ? "" : "s");
        }
    }

    private AgentlogSinkRun() {}

    public static ThroughputResult run(BenchEnvironment env, LoadedLog log, Settings s) throws Exception {
        env.freshSchema(s.schema());
        env.checkpoint();
        Path work = env.workDir("agentlog-" + s.schema());
        Path recording = work.resolve("sink.jfr");
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + s.heap()));
        jvm.addAll(s.jvmOptions());
        if (s.profile()) {
            Path jfc = Files.writeString(work.resolve("samples.jfc"), JFC);
            jvm.add("-XX:StartFlightRecording=filename=" + recording + ",settings=" + jfc + ",dumponexit=true");
        }
        Progress progress = new Progress("agentlog sink, " + s.workers() + " worker" + (s.workers() == 1 ? "" : "s"),
                log.events(), "events");
        List<String> childArgs = new ArrayList<>(List.of(env.bootstrapServers(), env.postgres().jdbcUrl(),
                env.postgres().user(), s.schema(), s.groupId(), Integer.toString(s.workers()),
                Integer.toString(s.batchMaxEvents())));
        childArgs.addAll(s.sealedLog());
        ChildJvm child = ChildJvm.start("agentlog sink", jvm, "sink", childArgs, work.resolve("sink.log"));
        Window window;
        ChildJvm.Stats end;
        long peakRss;
        try {
            String applied = "SELECT coalesce(sum(next_offset), 0) FROM " + s.schema() + ".sink_offsets WHERE consumer_group = '"
                    + s.groupId() + "'";
            window = Window.observe(new Window.Observation() {
                @Override
                public long done() throws Exception {
                    return env.queryLong(applied);
                }

                @Override
                public boolean complete(long done) throws Exception {
                    return Tables.count(env.pool(), s.schema() + ".events") == log.events();
                }
            }, log.events(), child, env, progress, timeout(log.events()));
            end = child.stats();
            peakRss = child.peakRssBytes();
        } finally {
            child.close();
        }
        Map<String, Long> rows = Tables.rowCounts(env.pool(), s.schema());
        long written = rows.values().stream().mapToLong(Long::longValue).sum();
        ThroughputResult result = new ThroughputResult("agentlog sink, " + s.workers() + " worker"
                + (s.workers() == 1 ? "" : "s"), s.describe(), log.events(), log.messageEvents(),
                written, rows, window.seconds(), (double) window.doneAtFirst / log.events(), window.childCpuNanos(),
                window.workerThreadCpuNanos(), window.postgresCpuNanos(), window.benchCpuNanos(), end.peakHeapBytes(), peakRss, s.heap(),
                Tables.messagesDigest(env.pool(), s.schema()), s.profile() ? recording : null, window.first.at(),
                window.last.at(), window.machineBusy(), window.gcCount(), window.gcMillis(), window.steadyPart());
        progress.done(String.format(Locale.ROOT, "%,.0f events/s, %,.0f rows/s, %.1f us CPU/event, heap peak %d MB",
                result.eventsPerSecond(), result.rowsPerSecond(), result.cpuMicrosPerEvent(),
                result.peakHeapBytes() >> 20));
        return result;
    }

    static Duration timeout(long units) {
        return Duration.ofSeconds(Math.max(600, units / 2000));
    }
}
