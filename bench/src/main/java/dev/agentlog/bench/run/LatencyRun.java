package dev.agentlog.bench.run;

import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * HTTP-ack-to-row-visible latency of the whole pipeline (ingest, processor, sink in this JVM, with `agentlog up`'s
 * defaults) at fixed offered loads: {@code message.created} events posted open-loop ({@link LoadGenerator}), each
 * event's latency from its request's 202 to the sink's commit of its offset ({@link LatencyPipeline}). Own topics
 * ({@code benchlat.*}) and schema, so the throughput runs' log is not in the way.
 */
public final class LatencyRun {
    static final Topics TOPICS = new Topics("benchlat");
    static final String SCHEMA = "bench_latency";
    static final String GROUP = "bench-latency-sink";
    private static final int WARM_UP_SECONDS = 3;
    /**
     * Before any load is measured: the pipeline runs in this JVM, whose JIT compiles its code under load; on 2 cores
     * the compiler threads still took a third of the machine after 20 s at 1,000 events/s.
     */
    public static final int WARM_UP_RATE = 2000;
    public static final int WARM_UP_RUN_SECONDS = 40;

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
        return run(env, rates, seconds, partitions, commitIntervalMs, batchMaxWaitMs, cdcPerSecond, cdcSeconds,
                WARM_UP_RUN_SECONDS);
    }

    /**
     * @param warmUpSeconds seconds of the warm-up at {@link #WARM_UP_RATE} before any load is measured
     */
    public static Results run(BenchEnvironment env, List<Integer> rates, int seconds, int partitions,
            long commitIntervalMs, int batchMaxWaitMs, int cdcPerSecond, int cdcSeconds, int warmUpSeconds)
            throws Exception {
        String apiKey = "bench-" + UUID.randomUUID();
        List<LatencyResult> results = new ArrayList<>();
        CdcFigures cdc = null;
        String cdcNote = "Not measured in this run: skipped (--cdc-seconds 0)";
        try (LatencyPipeline pipeline = LatencyPipeline.start(env, TOPICS, SCHEMA, GROUP, partitions, commitIntervalMs,
                batchMaxWaitMs, IngestSettings.defaults(ApiKeys.of(Map.of("bench", apiKey))))) {
            HttpTarget target = HttpTarget.plain(pipeline.httpPort(), apiKey);
            // the sink joins its group and the processor warms up, and all of it is through, before anything counts
            pipeline.measure(target, WARM_UP_RATE, warmUpSeconds, 0, "latency warm-up", LoadGenerator.MeasuredPart.NONE);
            for (int rate : rates) {
                results.add(pipeline.measure(target, rate, seconds, WARM_UP_SECONDS,
                        String.format(Locale.ROOT, "latency at %,d events/s", rate), LoadGenerator.MeasuredPart.NONE).rows());
            }
            if (cdcPerSecond > 0 && cdcSeconds > 0) {
                try {
                    cdc = CdcLatencyRun.run(env, TOPICS, SCHEMA, cdcPerSecond, cdcSeconds);
                } catch (Exception | LinkageError e) {
                    cdcNote = "Not measured in this run: change-data capture failed: " + e;
                    System.err.println("  CDC latency not measured: " + e);
                }
            }
        }
        return new Results(results, cdc, cdcNote);
    }
}
