package dev.agentlog.bench.report;

import dev.agentlog.bench.run.ThroughputResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What would close a missed target, derived from the run's own figures: which resource the sink runs out of (its
 * JVM's CPU, PostgreSQL's, the cores) and which area of its code the profile puts on top.
 */
final class Remedies {
    private Remedies() {}

    static String text(BenchReport r, JfrSummary profile) {
        ThroughputResult a = r.agentlog();
        List<String> out = new ArrayList<>();
        double share = a.eventsPerSecond() * a.seconds() / a.events();
        double sinkCpu = a.cpuMicrosPerEvent();
        double pgCpu = a.postgresCpuNanos() / 1e3 / (a.events() * share);
        double brokerCpu = a.brokerCpuNanos() / 1e3 / (a.events() * share);
        double wall = 1e6 / a.eventsPerSecond();
        double cores = r.machine().cores();
        double run = (sinkCpu + pgCpu + brokerCpu) / (wall * cores);
        if (a.machineBusy() > 0.9 && run < 0.75) {
            out.add("The machine was " + MarkdownReport.pct(a.machineBusy()) + " busy over the window but the run itself"
                    + " used only " + MarkdownReport.pct(run) + " of it: other work on this shared machine took the rest;"
                    + " on a quiet machine the same CPU per event gives more events/s. Rerun when `uptime` shows a low load.");
        }
        if (a.settings().startsWith("1 worker,")) {
            out.add("With one worker, the sink's JVM and PostgreSQL take turns on each batch (about "
                + MarkdownReport.dec(a.workerThreadCpuMicrosPerEvent()) + " + " + MarkdownReport.dec(pgCpu)
                + " us per event). Two workers (`--sink-workers 2`), each with its own partitions and connection, let one"
                + " decode while the other's transaction runs, up to what the cores give: "
                + MarkdownReport.fmt(cores * 1e6 / (sinkCpu + pgCpu + brokerCpu)) + " events/s at this CPU per event. Past"
                + " that, only less CPU per event raises throughput.");
        } else {
            out.add("At this CPU per event the cores allow at most " + MarkdownReport.fmt(cores * 1e6 / (sinkCpu + pgCpu
                    + brokerCpu)) + " events/s: only less CPU per event (the sink's or PostgreSQL's) raises throughput.");
        }
        double steadyCpu = a.steadyCpuMicrosPerEvent();
        if (steadyCpu >= MarkdownReport.MAX_CPU_MICROS_PER_EVENT && profile != null && !profile.byArea().isEmpty()) {
            JfrSummary.Share top = profile.byArea().get(0);
            out.add("The sink's own CPU per event (" + MarkdownReport.dec(steadyCpu) + " us in steady state against the 15 us"
                    + " target) goes"
                    + " first to: " + top.name() + " (" + MarkdownReport.pct(top.percent() / 100) + " of its worker samples). "
                    + hint(top.name()));
        }
        if (r.copy() != null && pgCpu > 0) {
            out.add("PostgreSQL does " + MarkdownReport.dec(a.postgresCpuMicrosPerRow()) + " us of CPU per row under the sink,"
                    + " " + MarkdownReport.dec(r.copy().postgresCpuMicrosPerRow()) + " us under COPY: the difference is the"
                    + " sink's statements beyond appending (the event_id lookup, loading and replacing changed rows, the"
                    + " offsets) and the index entries of the events table; fewer of those per event (e.g. skipping the"
                    + " lookup when the partition's stored offset proves the records new) would narrow it.");
        }
        ThroughputResult peer = r.bestPeer();
        if (peer != null && r.copy() != null
                && a.messageRowsPerSecond() < MarkdownReport.MIN_TIMES_PEER * peer.messageRowsPerSecond()) {
            double rowsPerMessageRow = (double) a.rowsWritten() / a.messageChanges();
            out.add("Against the peer: per message-row change agentlog writes " + MarkdownReport.dec(rowsPerMessageRow)
                    + " rows (the `events` row of every event with its six indexes, the offsets, the other tables), the"
                    + " peer 1 (the messages row). Even at 100% of the COPY ceiling of its rows, agentlog would apply "
                    + MarkdownReport.fmt(r.copy().messageRowsPerSecond()) + " message rows/s, "
                    + MarkdownReport.dec(r.copy().messageRowsPerSecond() / peer.messageRowsPerSecond()) + "x the peer's best"
                    + " here: on this machine the 2x target cannot be met while agentlog also keeps the audit trail the"
                    + " peer does not. Per row written, agentlog's JVM spends "
                    + MarkdownReport.dec(a.steadyCpuMicrosPerEvent() * a.events() / a.rowsWritten()) + " us (steady) against"
                    + " the peer's " + MarkdownReport.dec(peer.steadyCpuMicrosPerMessageRow() * peer.messageChanges()
                            / peer.rowsWritten()) + " us.");
        }
        return String.join("\n\n", out);
    }

    private static String hint(String area) {
        if (area.startsWith("Jackson") || area.startsWith("agentlog events")) {
            return "Decoding is the hot spot: each record is parsed into a JSON tree and then into the typed event;"
                    + " parsing straight into the typed payload (one pass, no tree) would cut it.";
        }
        if (area.startsWith("PostgreSQL JDBC")) {
            return "Encoding rows for the driver is the hot spot: building the binary COPY rows once, without"
                    + " intermediate strings, would cut it.";
        }
        if (area.startsWith("agentlog sink")) {
            return "The sink's own row building is the hot spot (see the top frames above).";
        }
        if (area.startsWith("Kafka")) {
            return "Fetching and decoding records is the hot spot: bigger fetches (fetch.min.bytes) and no compression"
                    + " of the log would cut it.";
        }
        return "See the top frames above.";
    }
}
