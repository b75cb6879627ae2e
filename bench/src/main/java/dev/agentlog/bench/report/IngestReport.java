package dev.agentlog.bench.report;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.IngestFigures;
import dev.agentlog.bench.run.IngestRun;
import dev.agentlog.bench.run.IngestSample;
import dev.agentlog.bench.run.Percentiles;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The section "Ingest: JDK HttpServer vs Jetty, TLS on and off" of docs/benchmarks.md, from one run of
 * {@code agentlog-bench ingest}: the contenders, the method, pooled ack latency and CPU per event, each round's
 * figures (the noise), each contender against the baseline, and ack to row.
 *
 * @param command        the command line that produced it
 * @param baselineNote   why there is no baseline, or null when there is one (the first contender)
 * @param versions       what ran, by name (agentlog's commit, Jetty, Java)
 */
public record IngestReport(String command, Instant startedAt, Duration took, Machine machine, String loadBefore,
        String loadAfter, IngestRun.Settings settings, IngestRun.Results results, String baselineNote,
        Map<String, String> versions) {
    public static final String TITLE = "## Ingest: JDK HttpServer vs Jetty, TLS on and off";
    /** Above this share of the machine busy on average over the measured parts, the report says it was busy. */
    static final double BUSY = 0.85;

    /** The section, its markers included. */
    public String render() {
        StringBuilder md = new StringBuilder();
        md.append(ReportSections.INGEST_BEGIN).append('\n');
        md.append(TITLE).append("\n\n");
        md.append("```\n").append(command).append("\n```\n\n");
        md.append("Run ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(startedAt.atOffset(ZoneOffset.UTC).withNano(0)))
                .append(" UTC, ").append(Math.round(took.toSeconds() / 6.0) / 10.0).append(" minutes, on ")
                .append(machine.cores()).append(" cores (").append(machine.cpuModel()).append("), ")
                .append(String.format(Locale.ROOT, "%.1f GiB", machine.memoryBytes() / (double) (1L << 30))).append(", ")
                .append(machine.java()).append(". ");
        versions.forEach((name, version) -> md.append(name).append(": ").append(version).append(". "));
        md.append("Load averages (1, 5, 15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter)
                .append(". ").append(busyNote()).append("\n\n");
        contenders(md);
        method(md);
        ackTable(md);
        rounds(md);
        verdicts(md);
        ackToRow(md);
        md.append(ReportSections.INGEST_END);
        return md.toString();
    }

    private String busyNote() {
        double[] busy = results.samples().stream().mapToDouble(IngestSample::machineBusy).filter(b -> !Double.isNaN(b))
                .toArray();
        if (busy.length == 0) {
            return "";
        }
        double mean = Arrays.stream(busy).average().orElse(Double.NaN);
        return "The machine is shared with other sessions; over the measured parts its CPU was " + pct(mean)
                + " busy on average (every process, this run's own included; " + pct(Arrays.stream(busy).min().orElse(0))
                + " to " + pct(Arrays.stream(busy).max().orElse(0)) + " by load)"
                + (mean > BUSY ? ": **it was busy, so the figures are noisier than on a quiet machine**." : ".");
    }

    private void contenders(StringBuilder md) {
        md.append("Contenders, each `agentlog ingest` in a JVM of its own (JVM options: ")
                .append(settings.jvmOptions().isEmpty() ? "none, the JVM's defaults, as `docker-compose.yml` runs ingest"
                        : "`" + String.join(" ", settings.jvmOptions()) + "`")
                .append("), with the same arguments (`--http-port 0 --api-keys bench:... --topic-prefix benchingest`, every"
                        + " other setting its default: `--http-threads` 16 in both versions):\n\n");
        md.append("| contender | jar | how it serves | peak RSS |\n|---|---|---|---|\n");
        List<IngestRun.Contender> cs = settings.contenders();
        for (int i = 0; i < cs.size(); i++) {
            IngestRun.Contender c = cs.get(i);
            long rss = i < results.peakRssBytes().size() ? results.peakRssBytes().get(i) : -1;
            md.append("| ").append(c.name()).append(" | `").append(c.jar()).append("` | ").append(c.description())
                    .append(c.tls() ? " (" + results.tlsSession() + ")" : "").append(" | ")
                    .append(rss < 0 ? "-" : String.format(Locale.ROOT, "%,d MB", rss >> 20)).append(" |\n");
        }
        if (baselineNote != null) {
            md.append("\n**No baseline in this run**: ").append(baselineNote).append("\n");
        }
        md.append('\n');
    }

    private void method(StringBuilder md) {
        md.append("Method: all contenders run at once against the same embedded broker, ").append(settings.rows()
                ? "their events carried to PostgreSQL by the processor and one sink worker in the bench's JVM"
                        + " (`--commit-interval-ms " + settings.commitIntervalMs() + "`, `--batch-max-wait-ms "
                        + settings.batchMaxWaitMs() + "`)"
                : "with no processor and no sink running (`--no-rows`: the machine's CPU goes to ingest, the broker and"
                        + " the load generator)").append(". Each first"
                + " gets the same warm-up, " + settings.warmUpRunSeconds() + " s at " + fmt(settings.warmUpRate())
                + " events/s, then " + settings.rounds() + " rounds; in each round every load runs once per contender, for "
                + settings.seconds() + " s of which the first " + settings.warmUpSeconds() + " are not measured, the order"
                + " of the contenders rotated from round to round so that each runs first, second and last equally often."
                + " The load is the latency run's: `message.created` events (about 500 bytes each) of 100 agents, open loop"
                + " (send times fixed in advance), at most 500 requests/s (a higher rate goes in batches), from 64 threads of"
                + " the bench's JVM, each with one HTTP/1.1 connection of its own, kept alive, each request sent in one"
                + " write (head and body, as Python's `http.client` sends a small body); over HTTPS with the JDK's TLS,"
                + " trusting the bench's CA, made with openssl as the README's worked example makes it (RSA 3072). **Ack latency**: from just before a"
                + " request is sent to its 202's status line, per request. " + (settings.rows() ? "**Ack to row**: from the"
                + " 202 to the sink's commit of the event's offset (`sink_offsets` polled every 5 ms), per event: the"
                + " pipeline after ingest, the same code for every contender. " : "") + "**Ingest CPU**: the ingest JVM's CPU (`/proc/PID/stat`, all"
                + " threads) over the measured part, per event acknowledged. Figures are pooled over the rounds; the"
                + " rounds' own figures are their noise. What the figures were checked against and what was found:"
                + " [docs/http.md, \"Performance\"](http.md#performance).\n\n");
    }

    private void ackTable(StringBuilder md) {
        md.append("### Ack latency: request sent to 202 received (pooled over the rounds)\n\n");
        md.append("| events/s | contender | events per request | requests measured | acked events/s | p50 ms | p90 ms"
                + " | p99 ms | max ms | ingest CPU us/event | failed requests |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (IngestFigures f : results.figures()) {
            md.append("| ").append(fmt(f.rate())).append(" | ").append(f.contender()).append(" | ").append(f.batchSize())
                    .append(" | ").append(fmt(f.requests())).append(" | ").append(fmt(f.ackedPerSecond())).append(" | ")
                    .append(ms(f.ackMillis(0.50))).append(" | ").append(ms(f.ackMillis(0.90))).append(" | ")
                    .append(ms(f.ackMillis(0.99))).append(" | ").append(ms(f.ackMaxMillis())).append(" | ")
                    .append(dec(f.cpuMicrosPerEvent())).append(" | ").append(f.failed()).append(" |\n");
        }
        md.append('\n');
    }

    private void rounds(StringBuilder md) {
        md.append("### Each round on its own (the noise)\n\n");
        md.append("| events/s | contender | p50 ms by round | p90 ms by round | p99 ms by round | ingest CPU us/event by round"
                + " | place in the round | machine busy | connections opened while measuring |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (IngestFigures f : results.figures()) {
            md.append("| ").append(fmt(f.rate())).append(" | ").append(f.contender()).append(" | ")
                    .append(joined(f.perRound(0.50))).append(" | ").append(joined(f.perRound(0.90))).append(" | ")
                    .append(joined(f.perRound(0.99))).append(" | ")
                    .append(f.rounds().stream().map(s -> dec(s.ingestCpuNanos() < 0 ? Double.NaN
                            : s.ingestCpuNanos() / 1e3 / Math.max(1, s.ackedEvents()))).collect(Collectors.joining(", ")))
                    .append(" | ").append(f.rounds().stream().map(s -> String.valueOf(s.position()))
                            .collect(Collectors.joining(", ")))
                    .append(" | ").append(f.rounds().stream().map(s -> pct(s.machineBusy()))
                            .collect(Collectors.joining(", ")))
                    .append(" | ").append(f.rounds().stream().map(s -> String.valueOf(s.connectionsOpened()))
                            .collect(Collectors.joining(", ")))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private void verdicts(StringBuilder md) {
        if (baselineNote != null || settings.contenders().size() < 2) {
            return;
        }
        String baseline = settings.contenders().get(0).name();
        md.append("### Against ").append(baseline).append("\n\n");
        md.append("The difference of the pooled figure (positive: slower than ").append(baseline).append("), and the noise"
                + " it is read against: the larger of the two contenders' spreads between their own rounds.\n\n");
        md.append("| events/s | contender | p50 ms | p90 ms | p99 ms | no worse than ").append(baseline)
                .append(" beyond the noise |\n|---|---|---|---|---|---|\n");
        for (int rate : settings.rates()) {
            IngestFigures base = figures(baseline, rate);
            for (IngestFigures f : results.figures()) {
                if (f.rate() != rate || f.contender().equals(baseline) || base == null) {
                    continue;
                }
                md.append("| ").append(fmt(rate)).append(" | ").append(f.contender());
                boolean worse = false;
                for (double q : IngestFigures.COMPARED) {
                    IngestFigures.Difference d = f.against(base, q);
                    worse |= d.worseBeyondNoise();
                    md.append(" | ").append(signed(d.millis())).append(" (noise ").append(ms(d.noiseMillis())).append(")");
                }
                md.append(" | ").append(worse ? "**no**: slower beyond the noise" : "yes").append(" |\n");
            }
        }
        md.append('\n');
    }

    private void ackToRow(StringBuilder md) {
        if (!settings.rows()) {
            md.append("Ack to row: not measured in this run (`--no-rows`).\n\n");
            connections(md);
            return;
        }
        md.append("### Ack to row visible (pooled over the rounds)\n\n");
        md.append("| events/s | contender | events measured | p50 ms | p99 ms | max ms | not visible |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (IngestFigures f : results.figures()) {
            long[] rows = f.pooledAckToRow();
            md.append("| ").append(fmt(f.rate())).append(" | ").append(f.contender()).append(" | ").append(fmt(rows.length))
                    .append(" | ").append(dec(Percentiles.millis(rows, 0.50))).append(" | ")
                    .append(dec(Percentiles.millis(rows, 0.99))).append(" | ")
                    .append(dec(Percentiles.max(rows))).append(" | ").append(f.notVisible())
                    .append(" |\n");
        }
        md.append('\n');
        connections(md);
    }

    private void connections(StringBuilder md) {
        int opened = results.samples().stream().mapToInt(IngestSample::connectionsOpened).sum();
        long drops = results.samples().stream().mapToLong(s -> Math.max(0, s.listenDrops())).sum();
        md.append("Connections: each load opened its contender's 64 connections (or found them open) in its unmeasured"
                + " first seconds; **" + fmt(opened) + "** connection" + (opened == 1 ? " was" : "s were") + " opened during"
                + " the measured parts of all " + results.samples().size() + " loads (`/proc/net/tcp`, polled every"
                + " 20 ms)" + (opened == 0 ? ", so no request measured paid for a TCP or TLS handshake" : "")
                + ". Connections the kernel dropped for a full accept queue (`ListenDrops`, machine-wide) during the"
                + " loads: " + fmt(drops) + ".\n\n");
    }

    private IngestFigures figures(String contender, int rate) {
        return results.figures().stream().filter(f -> f.contender().equals(contender) && f.rate() == rate).findFirst()
                .orElse(null);
    }

    private static String joined(double[] values) {
        return Arrays.stream(values).mapToObj(IngestReport::ms).collect(Collectors.joining(", "));
    }

    /** Milliseconds with two decimals below 10, one below 100, none above. */
    static String ms(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%,.0f", v);
    }

    private static String signed(double v) {
        return (v > 0 ? "+" : "") + ms(v);
    }

    private static String fmt(double v) {
        return MarkdownReport.fmt(v);
    }

    private static String dec(double v) {
        return MarkdownReport.dec(v);
    }

    private static String pct(double v) {
        return MarkdownReport.pct(v);
    }
}
