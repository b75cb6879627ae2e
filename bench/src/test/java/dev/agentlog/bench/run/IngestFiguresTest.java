package dev.agentlog.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IngestFiguresTest {
    /** A round whose 100 requests took {@code from}..{@code from + 99} ms. */
    static IngestSample round(String contender, int rate, int round, long fromMillis, long cpuNanos) {
        long[] acks = LongStream.range(0, 100).map(i -> (fromMillis + i) * 1_000_000).toArray();
        return new IngestSample(contender, rate, round, round, 2, acks, new long[] {5_000_000, 7_000_000}, 200, 10.0, 0, 0,
                cpuNanos, 0.5, 64, 0, 0);
    }

    @Test
    void shouldPoolTheRoundsAndKeepEachRoundsOwnFigures() {
        IngestFigures f = new IngestFigures("a", 1000, List.of(round("a", 1000, 1, 0, 2_000_000),
                round("a", 1000, 2, 100, 4_000_000)));

        assertThat(f.requests()).isEqualTo(200);
        assertThat(f.ackMillis(0.50)).isEqualTo(99.0); // the 100th of 0..199 ms
        assertThat(f.ackMaxMillis()).isEqualTo(199.0);
        assertThat(f.perRound(0.50)).containsExactly(49.0, 149.0);
        assertThat(f.spread(0.50)).isEqualTo(100.0);
        assertThat(f.ackedPerSecond()).isEqualTo(20.0);
        assertThat(f.cpuMicrosPerEvent()).isCloseTo(15.0, within(1e-9)); // 6 ms of CPU for 400 events
        assertThat(f.pooledAckToRow()).containsExactly(5_000_000, 5_000_000, 7_000_000, 7_000_000);
    }

    @Test
    void shouldCallADifferenceWorseOnlyBeyondTheSpreadBetweenRounds() {
        IngestFigures base = new IngestFigures("base", 1000, List.of(round("base", 1000, 1, 10, 1),
                round("base", 1000, 2, 14, 1)));
        IngestFigures within = new IngestFigures("new", 1000, List.of(round("new", 1000, 1, 12, 1),
                round("new", 1000, 2, 15, 1)));
        IngestFigures beyond = new IngestFigures("new", 1000, List.of(round("new", 1000, 1, 30, 1),
                round("new", 1000, 2, 31, 1)));

        IngestFigures.Difference small = within.against(base, 0.50);
        assertThat(small.millis()).isEqualTo(2.0);
        assertThat(small.noiseMillis()).isEqualTo(4.0);
        assertThat(small.worseBeyondNoise()).isFalse();
        assertThat(beyond.against(base, 0.50).worseBeyondNoise()).isTrue();
        assertThat(base.against(beyond, 0.50).worseBeyondNoise()).isFalse(); // faster is never worse
    }

    @Test
    void shouldSayTheCpuIsUnknownWhenARoundCouldNotReadIt() {
        IngestFigures f = new IngestFigures("a", 1000, List.of(round("a", 1000, 1, 0, 1), round("a", 1000, 2, 0, -1)));

        assertThat(f.cpuMicrosPerEvent()).isNaN();
    }

    @Test
    void shouldGroupByRateThenContenderInTheGivenOrder() {
        List<IngestSample> samples = List.of(round("b", 5000, 1, 0, 1), round("a", 1000, 2, 0, 1), round("a", 1000, 1, 0, 1),
                round("b", 1000, 1, 0, 1), round("a", 5000, 1, 0, 1));

        List<IngestFigures> figures = IngestFigures.of(samples, List.of("a", "b"), List.of(1000, 5000));

        assertThat(figures).extracting(f -> f.contender() + "@" + f.rate())
                .containsExactly("a@1000", "b@1000", "a@5000", "b@5000");
        assertThat(figures.get(0).rounds()).extracting(IngestSample::round).containsExactly(1, 2);
    }

    @Test
    void shouldRefuseSamplesOfAnotherContenderOrRate() {
        assertThatThrownBy(() -> new IngestFigures("a", 1000, List.of(round("b", 1000, 1, 0, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IngestFigures("a", 1000, List.of(round("a", 5000, 1, 0, 1))))
                .isInstanceOf(IllegalArgumentException.class);
        IngestFigures a = new IngestFigures("a", 1000, List.of(round("a", 1000, 1, 0, 1)));
        IngestFigures b = new IngestFigures("b", 5000, List.of(round("b", 5000, 1, 0, 1)));
        assertThatThrownBy(() -> a.against(b, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
