package dev.agentlog.bench.report;

import dev.agentlog.bench.run.LatencyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ack-to-row latency table, as {@code compare}'s report and the {@code latency} command print it. */
public final class LatencyTable {
    /** Issue 21's targets: HTTP-ack-to-row p99 under these milliseconds at these offered loads. */
    record P99Target(int eventsPerSecond, double maxP99Millis) {}

    static final List<P99Target> TARGETS = List.of(new P99Target(5_000, 50), new P99Target(10_000, 150));

    private LatencyTable() {}

    /** One line per target whose load was measured: what, measured, met (every event visible, p99 under). */
    static List<MarkdownReport.Target> targets(List<LatencyResult> results) {
        List<MarkdownReport.Target> out = new ArrayList<>();
        for (P99Target target : TARGETS) {
            results.stream().filter(l -> l.offeredPerSecond() == target.eventsPerSecond()).findFirst().ifPresent(l ->
                    out.add(new MarkdownReport.Target(String.format(Locale.ROOT, "HTTP-ack-to-row p99 < %.0f ms at %,d"
                            + " events/s", target.maxP99Millis(), target.eventsPerSecond()), MarkdownReport.dec(
                            l.p99Millis()) + " ms" + (l.notVisible() == 0 ? "" : ", " + l.notVisible() + " not visible"),
                            l.p99Millis() < target.maxP99Millis() && l.notVisible() == 0)));
        }
        return out;
    }

    /** The targets as a markdown table (the {@code latency} command's report). */
    public static String targetsMarkdown(List<LatencyResult> results) {
        StringBuilder md = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
        targets(results).forEach(t -> md.append("| ").append(t.what()).append(" | ").append(t.measured()).append(" | ")
                .append(t.met() ? "yes" : "**no**").append(" |\n"));
        return md.toString();
    }

    /** The table's lines, header first, in markdown. */
    public static String markdown(List<LatencyResult> results) {
        StringBuilder md = new StringBuilder();
        md.append("| offered events/s | events per request | acknowledged events/s | events measured | p50 ms | p95 ms"
                + " | p99 ms | max ms | ack to log p50 / p99 ms | log to row p50 / p99 ms | not visible | failed requests |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (LatencyResult l : results) {
            md.append("| ").append(MarkdownReport.fmt(l.offeredPerSecond())).append(" | ").append(l.batchSize())
                    .append(" | ").append(MarkdownReport.fmt(l.achievedPerSecond())).append(" | ")
                    .append(MarkdownReport.fmt(l.measured())).append(" | ").append(MarkdownReport.dec(l.p50Millis()))
                    .append(" | ").append(MarkdownReport.dec(l.p95Millis())).append(" | ")
                    .append(MarkdownReport.dec(l.p99Millis())).append(" | ").append(MarkdownReport.dec(l.maxMillis()))
                    .append(" | ").append(MarkdownReport.dec(l.toLogP50Millis())).append(" / ")
                    .append(MarkdownReport.dec(l.toLogP99Millis())).append(" | ")
                    .append(MarkdownReport.dec(l.toRowP50Millis())).append(" / ")
                    .append(MarkdownReport.dec(l.toRowP99Millis())).append(" | ").append(l.notVisible()).append(" | ")
                    .append(l.failed()).append(" |\n");
        }
        return md.toString();
    }

    /** What "ack to log" and "log to row" mean, under the table. */
    public static final String STAGES = "Ack to log: from the 202 to the event's arrival in the log of record, read by"
            + " the bench's own `read_committed` consumer (the processor's part: it publishes only when its transaction"
            + " commits, every `commit.interval.ms`). Log to row: from there to the sink's commit (the sink's part: its"
            + " fetch wait and its batch's transaction).";
}
