package dev.agentlog.bench.run;

/**
 * HTTP-ack-to-row-visible latency at one offered load.
 *
 * @param offeredPerSecond events per second the bench offered
 * @param achievedPerSecond events per second acknowledged (202) over the measured part
 * @param batchSize events per HTTP request
 * @param measured events whose latency was measured (after the warm-up)
 * @param notVisible measured events not visible within the drain time (should be 0)
 * @param failed requests not answered 202
 * @param toLogP50Millis ack to the event's arrival in the log of record (ingest's and the processor's part, its
 *     transaction commit included), median
 * @param toRowP50Millis the event's arrival in the log of record to its row (the sink's part), median
 */
public record LatencyResult(int offeredPerSecond, double achievedPerSecond, int batchSize, int measured, int notVisible,
        int failed, double p50Millis, double p95Millis, double p99Millis, double maxMillis, double toLogP50Millis,
        double toLogP99Millis, double toRowP50Millis, double toRowP99Millis) {}
