package dev.agentlog.bench.report;

import dev.agentlog.bench.run.GrowthFigures;
import dev.agentlog.bench.run.ProcessorRun;
import dev.agentlog.bench.run.QueryTimings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code growth}'s tables: one column per size of the log, one table per figure (rebuild, processor, queries, disk),
 * and the rebuild's time per event at each size against the first, with issue 21's target (within 15%) marked.
 */
public final class GrowthReport {
    /** Issue 21: rebuild time per event at 10M within 15% of that at 1M. */
    public static final double REBUILD_TARGET = 0.15;
    private static final double MB = 1024.0 * 1024;
    /** A table holding less of the tables' bytes is counted among "the other tables", not given a row. */
    static final double MAIN_TABLE_SHARE = 0.01;

    private GrowthReport() {}

    public static String markdown(List<GrowthFigures> sizes) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("no sizes measured");
        }
        return rebuild(sizes) + "\n" + processor(sizes) + "\n" + queries(sizes) + "\n" + disk(sizes);
    }

    static String rebuild(List<GrowthFigures> sizes) {
        double first = sizes.get(0).rebuildMicrosPerEvent();
        StringBuilder out = new StringBuilder("Rebuild (`agentlog rebuild --whole-log` of the whole log so far into a"
                + " fresh schema, its own JVM):\n\n").append(header(sizes));
        out.append(row("wall, s (start to exit)", sizes, s -> f1(s.rebuild().wallSeconds())));
        out.append(row("replay, s", sizes, s -> f1(s.rebuild().replaySeconds())));
        out.append(row("events/s (replay)", sizes, s -> f0(s.rebuild().eventsPerSecond())));
        out.append(row("us per event (replay)", sizes, s -> f2(s.rebuildMicrosPerEvent())));
        out.append(row("per event against the first size", sizes, s -> ratio(s.rebuildMicrosPerEvent(), first,
                s == sizes.get(0))));
        out.append(row("CPU, s (rebuild JVM / PostgreSQL)", sizes, s -> f1(s.rebuild().jvmCpuSeconds()) + " / "
                + f1(s.rebuild().postgresCpuSeconds())));
        return out.toString();
    }

    /** "1.08, within 15%: **met**", or for the first size "1.00 (the reference)". */
    static String ratio(double micros, double first, boolean isFirst) {
        double r = micros / first;
        if (isFirst) {
            return String.format(Locale.ROOT, "%.2f (the reference)", r);
        }
        return String.format(Locale.ROOT, "%.2f, within %.0f%%: **%s**", r, REBUILD_TARGET * 100,
                r <= 1 + REBUILD_TARGET ? "met" : "missed");
    }

    static String processor(List<GrowthFigures> sizes) {
        StringBuilder out = new StringBuilder("Processor (exactly-once, its own JVM; at each size it reads the part of"
                + " `events.in` appended since the previous size, its state stores holding the earlier part's keys;"
                + " steady: from a third of that part on):\n\n").append(header(sizes));
        out.append(row("input measured (offsets)", sizes, s -> s.processor() == null ? "not measured"
                : String.format(Locale.ROOT, "%,d (%,d to %,d)", s.events() - s.processorFrom(), s.processorFrom(),
                        s.events())));
        out.append(row("events/s (window)", sizes, s -> proc(s, r -> f0(r.eventsPerSecond()))));
        out.append(row("JVM CPU, us per event", sizes, s -> proc(s, r -> f1(r.jvmCpuMicrosPerEvent()))));
        out.append(row("stream threads' CPU, us per event", sizes, s -> proc(s, r -> f1(r.streamThreadCpuMicrosPerEvent()))));
        out.append(row("steady events/s", sizes, s -> proc(s, r -> f0(r.steadyEventsPerSecond()))));
        out.append(row("steady JVM CPU, us per event", sizes, s -> proc(s, r -> f1(r.steadyJvmCpuMicrosPerEvent()))));
        return out.toString();
    }

    private static String proc(GrowthFigures s, Function<ProcessorRun.Round, String> cell) {
        return s.processor() == null ? "" : cell.apply(s.processor());
    }

    static String queries(List<GrowthFigures> sizes) {
        StringBuilder out = new StringBuilder("Queries, in-process, p50 / p99 ms (the same instants at every size,"
                + " drawn over the first size's log):\n\n").append(header(sizes));
        Set<String> asked = new LinkedHashSet<>();
        sizes.forEach(s -> s.queries().forEach(q -> asked.add(q.what())));
        for (String what : asked) {
            out.append(row(what, sizes, s -> s.queries().stream().filter(q -> q.what().equals(what)).findFirst()
                    .map(q -> f1(q.p50()) + " / " + f1(q.p99())).orElse("")));
        }
        return out.toString();
    }

    static String disk(List<GrowthFigures> sizes) {
        StringBuilder out = new StringBuilder("Disk, MiB (topics: their partition directories in the broker's log"
                + " directory, by blocks held; tables: `pg_total_relation_size`, after VACUUM ANALYZE):\n\n")
                .append(header(sizes));
        out.append(row("log of record (`agentlog.events`)", sizes, s -> mb(s.disk().logOfRecord())));
        out.append(row("bytes per event, log of record", sizes, s -> f0((double) s.disk().logOfRecord() / s.events())));
        out.append(row("processor's input (`events.in`)", sizes, s -> mb(s.disk().processorInput())));
        out.append(row("processor's output (`events`)", sizes, s -> mb(s.disk().processorOutput())));
        out.append(row("processor's changelog topics", sizes, s -> mb(s.disk().changelogs())));
        out.append(row("processor's state directory (RocksDB)", sizes, s -> mb(s.disk().stateDir())));
        out.append(row("tables, all", sizes, s -> mb(s.disk().tablesTotal())));
        out.append(row("bytes per event, tables", sizes, s -> f0((double) s.disk().tablesTotal() / s.events())));
        List<String> main = mainTables(sizes.get(sizes.size() - 1).disk());
        for (String table : main) {
            out.append(row("table `" + table + "`", sizes, s -> mb(s.disk().tables().getOrDefault(table, 0L))));
        }
        out.append(row("the other tables", sizes, s -> mb(s.disk().tables().entrySet().stream()
                .filter(e -> !main.contains(e.getKey())).mapToLong(e -> e.getValue()).sum())));
        return out.toString();
    }

    /** The tables holding at least {@link #MAIN_TABLE_SHARE} of the tables' bytes (at the largest size), by name. */
    static List<String> mainTables(GrowthFigures.Disk disk) {
        long total = disk.tablesTotal();
        return disk.tables().entrySet().stream().filter(e -> e.getValue() >= total * MAIN_TABLE_SHARE)
                .map(java.util.Map.Entry::getKey).sorted().toList();
    }

    private static String header(List<GrowthFigures> sizes) {
        List<String> cells = new ArrayList<>();
        sizes.forEach(s -> cells.add(String.format(Locale.ROOT, "%,d events", s.events())));
        return "| | " + String.join(" | ", cells) + " |\n|---" + "|---".repeat(sizes.size()) + "|\n";
    }

    private static String row(String label, List<GrowthFigures> sizes, Function<GrowthFigures, String> cell) {
        List<String> cells = new ArrayList<>();
        sizes.forEach(s -> cells.add(cell.apply(s)));
        return "| " + label + " | " + String.join(" | ", cells) + " |\n";
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.1f", bytes / MB);
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%,.2f", v);
    }
}
