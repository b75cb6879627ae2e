package dev.agentlog.bench.report;

import static dev.agentlog.bench.report.MarkdownReport.MAX_P99_MILLIS;
import static dev.agentlog.bench.report.MarkdownReport.MAX_REBUILD_SECONDS_PER_MILLION;
import static dev.agentlog.bench.report.MarkdownReport.P99_AT_RATE;
import static dev.agentlog.bench.report.MarkdownReport.dec;
import static dev.agentlog.bench.report.MarkdownReport.fmt;
import static dev.agentlog.bench.report.MarkdownReport.pct;

import dev.agentlog.bench.run.LatencyResult;
import dev.agentlog.bench.run.RebuildFigures;
import dev.agentlog.bench.run.ThroughputResult;
import java.util.Comparator;
import java.util.List;

/**
 * The "Where the time goes" section of docs/benchmarks.md: the CPU of each process per event, the JFR profiles, and,
 * for a target this run missed, where the time went and what would close it. Apart from {@link MarkdownReport}
 * because it explains the figures the rest of the report states.
 */
final class TimeSpentSection {
    private final BenchReport r;
    private final StringBuilder md;
    private final List<MarkdownReport.Target> missed;

    TimeSpentSection(BenchReport report, StringBuilder md, List<MarkdownReport.Target> missed) {
        this.r = report;
        this.md = md;
        this.missed = missed;
    }

    void write() {
        line("## Where the time goes");
        line();
        ThroughputResult a = r.agentlog();
        if (a == null) {
            line("Nothing measured.");
            line();
            return;
        }
        double wall = 1e6 / a.eventsPerSecond();
        double sinkCpu = a.cpuMicrosPerEvent();
        double pgCpu = a.postgresCpuNanos() / 1e3 / (a.events() * share(a));
        double brokerCpu = a.brokerCpuNanos() < 0 ? Double.NaN : a.brokerCpuNanos() / 1e3 / (a.events() * share(a));
        double cores = r.machine().cores();
        double run = (sinkCpu + pgCpu + brokerCpu) / (wall * cores);
        line("Per event applied by agentlog's sink: " + dec(wall) + " us of wall time. CPU per event: the sink's JVM "
                + dec(sinkCpu) + " us (its worker threads " + dec(a.workerThreadCpuMicrosPerEvent()) + " us; the rest is"
                + " the JVM's own: garbage collection, " + fmt(a.gcCount()) + " collections taking " + fmt(a.gcMillis())
                + " ms over the window, JIT compilation, Kafka's heartbeat), PostgreSQL " + dec(pgCpu) + " us, the broker (serving the fetches, in"
                + " the bench's JVM) " + dec(brokerCpu) + " us: " + dec(sinkCpu + pgCpu + brokerCpu) + " us in all, " + pct(run)
                + " of the " + (int) cores + " cores over the window, while the whole machine was " + pct(a.machineBusy())
                + " busy (the rest: other processes on this shared machine). In the steady part (from a third of the log"
                + " on) the sink's JVM spent " + dec(a.steadyCpuMicrosPerEvent()) + " us per event, its worker threads "
                + dec(a.steadyWorkerThreadCpuMicrosPerEvent()) + " us: the difference to the whole window is mostly the"
                + " JIT compiling the hot code at the start.");
        line();
        line("A worker applies one batch at a time: it decodes and folds the batch (its JVM's CPU), then waits for"
                + " PostgreSQL to run the batch's transaction (PostgreSQL's CPU), then polls the next. With one worker the"
                + " two halves take turns instead of overlapping, so the wall time per event is about their sum ("
                + dec(a.workerThreadCpuMicrosPerEvent() + pgCpu) + " us against " + dec(wall) + " us measured).");
        if (r.copy() != null) {
            line();
            line("PostgreSQL CPU per row: " + dec(a.postgresCpuMicrosPerRow()) + " us under the sink against "
                    + dec(r.copy().postgresCpuMicrosPerRow()) + " us under COPY of the same rows: the sink's transactions"
                    + " also look up which event_ids are new, load the rows partial updates read and the stored in-context"
                    + " windows of the agents whose window the batch replaced, delete the keys they replace before each COPY,"
                    + " and move `sink_offsets`; COPY only appends.");
        }
        line();
        JfrSummary p = r.sinkProfile();
        if (p != null && p.samples() > 0) {
            profile("agentlog's sink worker threads (`agentlog-sink-*` and the common pool that decodes)", p);
        } else {
            line("No profile of the sink in this run (`--no-profile`).");
            line();
        }
        if (missed.isEmpty()) {
            line("Every target measured in this run is met.");
        } else {
            line("Missed in this run: " + String.join("; ", missed.stream().map(MarkdownReport.Target::what).toList()) + ".");
            line();
            line(Remedies.text(r, p));
        }
        line();
        latencyTimeGoes();
        rebuildTimeGoes();
        JfrSummary peer = r.peerProfile();
        if (peer != null && peer.samples() > 0) {
            line("### The peer's profile");
            line();
            line("For comparison, " + r.bestPeer().name() + ": " + dec(r.bestPeer().cpuMicrosPerMessageRow())
                    + " us of its JVM's CPU and " + dec(r.bestPeer().postgresCpuMicrosPerRow()) + " us of PostgreSQL's per"
                    + " message row.");
            line();
            profile("its task threads (the threads running `WorkerTask`)", peer);
        }
    }

    private void latencyTimeGoes() {
        if (r.latency() == null) {
            return;
        }
        LatencyResult l = r.latency().stream().filter(x -> x.offeredPerSecond() == P99_AT_RATE).findFirst().orElse(null);
        if (l == null || (l.p99Millis() < MAX_P99_MILLIS && l.notVisible() == 0)) {
            return;
        }
        LatencyResult lowest = r.latency().stream().min(Comparator.comparingInt(LatencyResult::offeredPerSecond))
                .orElse(l);
        line("### Latency");
        line();
        line("At " + fmt(P99_AT_RATE) + " events/s the p99 is " + dec(l.p99Millis()) + " ms: ack to log p99 "
                + dec(l.toLogP99Millis()) + " ms, log to row p99 " + dec(l.toRowP99Millis()) + " ms (at "
                + fmt(lowest.offeredPerSecond()) + " events/s: p50 " + dec(lowest.p50Millis()) + " ms, of which "
                + dec(lowest.toLogP50Millis()) + " ms to the log and " + dec(lowest.toRowP50Millis()) + " ms to the row)."
                + " Two stages set the floor: the processor publishes an event only when its exactly-once transaction"
                + " commits, every `--commit-interval-ms` (20 ms in these runs, 100 by default), and the sink's fetch waits"
                + " up to `--batch-max-wait-ms` (10 ms here, 50 by default) for a fuller batch. At 1,000 events/s the"
                + " pipeline keeps up and the median is a few of those intervals; at 5,000 a stage whose p99 is far above"
                + " them fell behind for a while: this one process hosts the broker, ingest, the processor, the sink and"
                + " the bench's own senders on 2 cores beside PostgreSQL, and its JIT was still compiling (a quarter of a"
                + " core in JFR during the 5,000 events/s phase, after 40 s of warm-up). Each exactly-once commit writes"
                + " transaction markers to every partition it touched: the output and four changelogs, 12 partitions each,"
                + " 50 times a second. What would close it: fewer changelog partitions per transaction (one state store"
                + " for event ids, positions and expiry instead of four), the processor and the sink in processes of their"
                + " own on other cores, and fewer CPU microseconds per event in each stage.");
        line();
    }

    private void rebuildTimeGoes() {
        if (r.rebuild() == null) {
            return;
        }
        double perMillion = 1_000_000 / r.rebuild().eventsPerSecond() + r.rebuild().swapSeconds();
        if (perMillion < MAX_REBUILD_SECONDS_PER_MILLION) {
            return;
        }
        line("### Rebuild");
        line();
        RebuildFigures b = r.rebuild();
        double cpuPerEvent = (b.jvmCpuSeconds() + b.postgresCpuSeconds()) * 1e6 / b.records();
        line("The rebuild replays through the sink's own batch path (`SinkCore`, batches of 10,000, " + b.workers()
                + " lane" + (b.workers() == 1 ? "" : "s") + "), so it runs at about the speed of the sink: "
                + fmt(b.eventsPerSecond()) + " events/s here, where 1M events in 30 s needs 33,000 events/s. Its JVM and"
                + " PostgreSQL together spent " + dec(cpuPerEvent) + " us of CPU per event (PostgreSQL "
                + pct(b.postgresCpuSeconds() / (b.jvmCpuSeconds() + b.postgresCpuSeconds())) + " of it); at that cost the "
                + (int) r.machine().cores() + " cores allow at most " + fmt(r.machine().cores() * 1e6 / cpuPerEvent)
                + " events/s even if nothing waited. It already skips the lookups and deletes of keys it never wrote (a"
                + " filter of the keys written so far) and builds the secondary indexes of `events` once at the end, two"
                + " at a time; its JVM is a fresh process whose JIT compiles the batch path during the first seconds (the"
                + " sink's steady state costs " + (r.agentlog() == null ? "-" : dec(r.agentlog().steadyCpuMicrosPerEvent()))
                + " us per event against the rebuild JVM's " + dec(b.jvmCpuSeconds() * 1e6 / b.records()) + " us over its"
                + " whole run). What would close it: less PostgreSQL CPU per row (the `events` table's unique indexes take"
                + " a random insert per row; the expression index over the payload is built from every message event),"
                + " fewer intermediate rows (each batch still writes the in-context windows it changed), and a machine"
                + " with more cores than the two that the rebuild, its JVM's compiler and PostgreSQL share here.");
        line();
    }

    private void profile(String whose, JfrSummary p) {
        line("JFR execution samples of " + whose + " over the window: " + fmt(p.samples()) + " samples, one per running"
                + " thread every 10 ms (`jfr print --events jdk.ExecutionSample` on the recording lists them).");
        line();
        line("| area (first found from the top of the stack) | share |");
        line("|---|---|");
        p.byArea().forEach(s -> line("| " + s.name() + " | " + pct(s.percent() / 100) + " |"));
        line();
        line("| method of `" + p.ownPrefix() + "*` the sample is under (first on the stack) | share |");
        line("|---|---|");
        p.topOwn().forEach(s -> line("| `" + s.name() + "` | " + pct(s.percent() / 100) + " |"));
        line();
        line("| top frame (self time) | share |");
        line("|---|---|");
        p.topSelf().forEach(s -> line("| `" + s.name() + "` | " + pct(s.percent() / 100) + " |"));
        line();
    }

    private static double share(ThroughputResult t) {
        return t.events() == 0 ? 1 : t.eventsPerSecond() * t.seconds() / t.events();
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void line() {
        md.append('\n');
    }
}
