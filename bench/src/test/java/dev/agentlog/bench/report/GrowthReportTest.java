package dev.agentlog.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentlog.bench.run.GrowthFigures;
import dev.agentlog.bench.run.ProcessorInput.Variant;
import dev.agentlog.bench.run.ProcessorRun;
import dev.agentlog.bench.run.QueryTimings;
import dev.agentlog.bench.run.RebuildFigures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrowthReportTest {
    private static final long MIB = 1024 * 1024;

    /** A size whose rebuild replayed {@code events} in {@code replaySeconds}. */
    private static GrowthFigures size(long events, double replaySeconds, long processorFrom, boolean processor) {
        RebuildFigures rebuild = new RebuildFigures(events, events, replaySeconds, 0.5, 4, 10, 5, replaySeconds + 3);
        // 100,000 events in 5 s of window, 2 s of JVM CPU; the steady part 60,000 in 2.5 s with 1.2 s of CPU
        ProcessorRun.Round round = processor ? new ProcessorRun.Round(Variant.CLEAN, 1, 100_000, events, 5_000_000_000L,
                2_000_000_000L, 1_000_000_000L, 60_000, 2_500_000_000L, 1_200_000_000L, null, null, null) : null;
        QueryTimings state = new QueryTimings("`state --at`, agent of 10 messages", new long[] {2_000_000, 4_000_000},
                0, 0);
        GrowthFigures.Disk disk = new GrowthFigures.Disk(events * 100, 10 * MIB, 20 * MIB, 3 * MIB, 5 * MIB,
                Map.of("messages", events * 300, "events", events * 600, "agents", events));
        return new GrowthFigures(events, rebuild, List.of(state), round, processorFrom, disk);
    }

    @Test
    void shouldMarkTheRebuildTimePerEventOfEachLaterSizeAgainstTheFirst() {
        // 24 us per event at 1M; 26.4 (10% more) at 3M; 30 (25% more) at 10M
        String rebuild = GrowthReport.rebuild(List.of(size(1_000_000, 24, 0, true), size(3_000_000, 79.2, 1_000_000,
                true), size(10_000_000, 300, 3_000_000, true)));

        assertThat(rebuild).contains("| | 1,000,000 events | 3,000,000 events | 10,000,000 events |\n|---|---|---|---|\n");
        assertThat(rebuild).contains("| us per event (replay) | 24.00 | 26.40 | 30.00 |");
        assertThat(rebuild).contains("| per event against the first size | 1.00 (the reference) | 1.10, within 15%:"
                + " **met** | 1.25, within 15%: **missed** |");
        assertThat(rebuild).contains("| events/s (replay) | 41,667 | 37,879 | 33,333 |");
    }

    @Test
    void shouldCountExactlyFifteenPercentAsMet() {
        assertThat(GrowthReport.ratio(1.15, 1.0, false)).isEqualTo("1.15, within 15%: **met**");
        assertThat(GrowthReport.ratio(1.151, 1.0, false)).isEqualTo("1.15, within 15%: **missed**");
    }

    @Test
    void shouldSayWhichPartOfTheInputTheProcessorReadAndLeaveASizeNotMeasuredEmpty() {
        String processor = GrowthReport.processor(List.of(size(1_000_000, 24, 0, true),
                size(3_000_000, 72, 1_000_000, true), size(10_000_000, 240, 3_000_000, false)));

        assertThat(processor).contains("| input measured (offsets) | 1,000,000 (0 to 1,000,000) | 2,000,000 (1,000,000"
                + " to 3,000,000) | not measured |");
        assertThat(processor).contains("| events/s (window) | 20,000 | 20,000 |  |");
        assertThat(processor).contains("| JVM CPU, us per event | 20.0 | 20.0 |  |");
        assertThat(processor).contains("| steady events/s | 24,000 | 24,000 |  |");
    }

    @Test
    void shouldPutEachQueryAndEachTableOnARowOfItsOwn() {
        String report = GrowthReport.markdown(List.of(size(1_000_000, 24, 0, true), size(3_000_000, 72, 1_000_000,
                true)));

        assertThat(report).contains("| `state --at`, agent of 10 messages | 2.0 / 4.0 | 2.0 / 4.0 |");
        assertThat(report).contains("| log of record (`agentlog.events`) | 95.4 | 286.1 |");
        assertThat(report).contains("| bytes per event, log of record | 100 | 100 |");
        assertThat(report).contains("| processor's state directory (RocksDB) | 5.0 | 5.0 |");
        assertThat(report).contains("| table `messages` | 286.1 | 858.3 |");
        assertThat(report).contains("| bytes per event, tables | 901 | 901 |");
        assertThat(report).contains("| table `events` | 572.2 | 1,716.6 |");
        assertThat(report).contains("| the other tables | 1.0 | 2.9 |");
        assertThat(report).doesNotContain("table `agents`");
    }

    @Test
    void shouldGiveARowToEveryTableOfAtLeastOnePercentOfTheBytes() {
        GrowthFigures.Disk disk = new GrowthFigures.Disk(0, 0, 0, 0, 0, Map.of("b", 1_000L, "a", 98_990L, "c", 10L));

        assertThat(GrowthReport.mainTables(disk)).containsExactly("a", "b");
    }

    @Test
    void shouldRefuseAReportOfNoSizes() {
        assertThatThrownBy(() -> GrowthReport.markdown(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
