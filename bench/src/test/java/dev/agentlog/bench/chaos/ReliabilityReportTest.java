package dev.agentlog.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.bench.measure.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReliabilityReportTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldReportWhatArrivedTheLongestRecoveryPerKindAndTheLatencyDuringFaultsApart() {
        List<Fault> faults = List.of(
                new Fault(Fault.Kind.BROKER, "broker-1", 10 * S, 20 * S, 26 * S),
                new Fault(Fault.Kind.BROKER, "broker-2", 60 * S, 70 * S, 84 * S),
                new Fault(Fault.Kind.HOST_CUT, "host 10.213.1.10", 100 * S, 130 * S, 0));
        List<ChaosLoad.Ack> acks = List.of(
                new ChaosLoad.Ack(12 * S, 12 * S + 900_000_000L, 20, 2), // during the first broker fault
                new ChaosLoad.Ack(40 * S, 40 * S + 50_000_000L, 20, 1),
                new ChaosLoad.Ack(41 * S, 41 * S + 30_000_000L, 20, 1));
        ChaosCheck check = new ChaosCheck(60, 60, 0, 0, 60, 60, 0, List.of(), 0, List.of());
        ChaosRun.Result result = new ChaosRun.Result(faults, acks, check, 0, 300 * S, true);

        String md = ReliabilityReport.markdown(result, Duration.ofMinutes(5), 200, "agentlog-bench chaos --minutes 5",
                new Machine(2, "cpu", 8L << 30, "Linux", "java 17"), "1, 2, 3", "4, 5, 6",
                Instant.parse("2026-12-06T23:20:20.123Z"));

        assertThat(md).contains("| command | `agentlog-bench chaos --minutes 5` |", "| date | 2026-12-06T23:20:20Z |",
                "shortened from the default 20 min", "| events acknowledged (HTTP 202) | 60 |",
                "| lost: acknowledged, not in the log of record | 0 |", "| verdict | passed |");
        assertThat(md).contains("| a broker SIGKILLed (not the active controller), restarted | 2 | 2 | 24.0 s | 14.0 s |");
        assertThat(md).contains("| a host (its processor and sink worker) cut off the network, link up again | 1 | 0 | - | - |",
                "| 100.0 s | HOST_CUT | host 10.213.1.10 | not within 5 min |");
        assertThat(md).contains("| during a fault | 1 | 900 ms | 900 ms | 900 ms | 1 |",
                "| no fault | 2 | 30 ms | 50 ms | 50 ms | 0 |");
    }

    @Test
    void shouldFailTheCheckOnALostOrDoubledEventADifferenceOrADeadLetter() {
        assertThat(new ChaosCheck(60, 60, 0, 0, 60, 60, 0, List.of(), 0, List.of()).passed()).isTrue();
        assertThat(new ChaosCheck(60, 59, 1, 0, 59, 59, 1, List.of(), 0, List.of()).passed()).isFalse();
        assertThat(new ChaosCheck(60, 60, 0, 1, 60, 60, 0, List.of(), 0, List.of()).passed()).isFalse();
        assertThat(new ChaosCheck(60, 60, 0, 0, 60, 60, 0, List.of("agents: a differs"), 0, List.of()).passed())
                .isFalse();
        assertThat(new ChaosCheck(60, 60, 0, 0, 60, 60, 0, List.of(), 1, List.of("reason=gap")).passed()).isFalse();
    }
}
