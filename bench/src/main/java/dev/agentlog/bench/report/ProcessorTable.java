package dev.agentlog.bench.report;

import dev.agentlog.bench.run.ProcessorInput.Variant;
import dev.agentlog.bench.run.ProcessorRun.Round;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The processor bench's figures as a markdown table: one line per variant, the median of its rounds (and the
 * lowest and highest where there are several rounds), against the targets.
 */
public final class ProcessorTable {
    /** The processor's targets on a 2-core machine (issue 21). */
    public static final double TARGET_EVENTS_PER_SECOND = 50_000;
    public static final double TARGET_CPU_MICROS_PER_EVENT = 20;

    private ProcessorTable() {}

    public static String markdown(List<Round> rounds) {
        Map<Variant, List<Round>> byVariant = new LinkedHashMap<>();
        for (Round r : rounds) {
            byVariant.computeIfAbsent(r.variant(), v -> new ArrayList<>()).add(r);
        }
        StringBuilder out = new StringBuilder();
        out.append("| variant | rounds | input events | events of record | events/s | JVM CPU us/event"
                + " | Streams threads us/event | steady events/s | steady JVM CPU us/event | targets (50,000/s, < 20 us) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        byVariant.forEach((variant, list) -> {
            double rate = median(list, Round::eventsPerSecond);
            double cpu = median(list, Round::jvmCpuMicrosPerEvent);
            out.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | %s | %s | %s | %s | %s | %s |%n",
                    variant.label(), list.size(), list.get(0).inputEvents(), list.get(0).eventsOfRecord(),
                    spread(list, Round::eventsPerSecond, "%,.0f"), spread(list, Round::jvmCpuMicrosPerEvent, "%.1f"),
                    spread(list, Round::streamThreadCpuMicrosPerEvent, "%.1f"),
                    spread(list, Round::steadyEventsPerSecond, "%,.0f"),
                    spread(list, Round::steadyJvmCpuMicrosPerEvent, "%.1f"),
                    (rate >= TARGET_EVENTS_PER_SECOND ? "rate met" : "rate missed") + ", "
                            + (cpu < TARGET_CPU_MICROS_PER_EVENT ? "CPU met" : "CPU missed")));
        });
        return out.toString();
    }

    /** The median, and in brackets the lowest and highest when there are several rounds. */
    static String spread(List<Round> rounds, ToDoubleFunction<Round> figure, String format) {
        String median = String.format(Locale.ROOT, format, median(rounds, figure));
        if (rounds.size() < 2) {
            return median;
        }
        double low = rounds.stream().mapToDouble(figure).min().orElseThrow();
        double high = rounds.stream().mapToDouble(figure).max().orElseThrow();
        return median + " (" + String.format(Locale.ROOT, format, low) + "-" + String.format(Locale.ROOT, format, high)
                + ")";
    }

    static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        List<Double> sorted = rounds.stream().map(figure::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
