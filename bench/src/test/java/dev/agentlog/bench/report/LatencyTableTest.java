package dev.agentlog.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.bench.run.LatencyResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyTableTest {
    private static LatencyResult at(int rate, double p99, int notVisible) {
        return new LatencyResult(rate, rate, 10, 1000, notVisible, 0, p99 / 2, p99 * 0.9, p99, p99 * 1.2, 1, 2, 3, 4);
    }

    @Test
    void shouldMarkEachMeasuredLoadAgainstItsOwnTarget() {
        List<MarkdownReport.Target> targets = LatencyTable.targets(List.of(at(1000, 10, 0), at(5000, 60, 0),
                at(10_000, 120, 0), at(20_000, 9000, 0)));

        assertThat(targets).extracting(MarkdownReport.Target::what).containsExactly(
                "HTTP-ack-to-row p99 < 50 ms at 5,000 events/s", "HTTP-ack-to-row p99 < 150 ms at 10,000 events/s");
        assertThat(targets).extracting(MarkdownReport.Target::met).containsExactly(false, true);
    }

    @Test
    void shouldNotCountALoadWithEventsNeverSeenAsMet() {
        List<MarkdownReport.Target> targets = LatencyTable.targets(List.of(at(5000, 10, 3)));

        assertThat(targets).singleElement().satisfies(t -> {
            assertThat(t.met()).isFalse();
            assertThat(t.measured()).contains("3 not visible");
        });
    }

    @Test
    void shouldLeaveOutTargetsWhoseLoadWasNotRun() {
        assertThat(LatencyTable.targets(List.of(at(1000, 10, 0)))).isEmpty();
        assertThat(LatencyTable.targetsMarkdown(List.of(at(10_000, 200, 0)))).contains("| **no** |");
    }
}
