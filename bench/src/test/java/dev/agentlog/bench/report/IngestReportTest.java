package dev.agentlog.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.run.IngestFigures;
import dev.agentlog.bench.run.IngestRun;
import dev.agentlog.bench.run.IngestSample;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class IngestReportTest {
    private static final IngestRun.Contender BASE = new IngestRun.Contender("JDK HttpServer (cad1be2)", "the JDK's server",
            Path.of("/tmp/old.jar"), false);
    private static final IngestRun.Contender PLAIN = new IngestRun.Contender("Jetty, HTTP", "Jetty 12, plain HTTP",
            Path.of("app/target/agentlog.jar"), false);
    private static final IngestRun.Contender TLS = new IngestRun.Contender("Jetty, HTTPS", "Jetty 12, HTTPS",
            Path.of("app/target/agentlog.jar"), true);

    private static IngestSample sample(IngestRun.Contender c, int rate, int round, long fromMillis) {
        long[] acks = LongStream.range(0, 100).map(i -> (fromMillis + i / 10) * 1_000_000).toArray();
        return new IngestSample(c.name(), rate, round, 1, rate / 500, acks, new long[] {8_000_000}, 1000, 17.0, 0, 0,
                40_000_000, 0.93, 64, c.tls() && round == 2 ? 1 : 0, 0);
    }

    private static IngestReport report(List<IngestRun.Contender> contenders, long tlsFromMillis, String baselineNote) {
        List<IngestSample> samples = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (int rate : List.of(1000, 5000)) {
                for (IngestRun.Contender c : contenders) {
                    samples.add(sample(c, rate, round, (c.tls() ? tlsFromMillis : 5) + round));
                }
            }
        }
        List<String> names = contenders.stream().map(IngestRun.Contender::name).toList();
        IngestRun.Settings settings = new IngestRun.Settings(contenders, List.of(1000, 5000), 3, 20, 3, 2000, 30, List.of(),
                12, 20, 10, true);
        IngestRun.Results results = new IngestRun.Results(samples, IngestFigures.of(samples, names, List.of(1000, 5000)),
                contenders.stream().map(c -> 300L << 20).toList(), "TLSv1.3, TLS_AES_256_GCM_SHA384");
        return new IngestReport("java -jar bench/target/agentlog-bench.jar ingest --baseline-jar /tmp/old.jar",
                Instant.parse("2026-12-06T17:00:00Z"), Duration.ofMinutes(9), new Machine(2, "AMD EPYC", 24L << 30, "Linux",
                "OpenJDK 17"), "0.5, 0.5, 0.5", "2.0, 1.0, 0.6", settings, results, baselineNote,
                Map.of("Jetty", "12.1.14"));
    }

    @Test
    void shouldRenderEveryContenderAtEveryRateBetweenTheMarkers() {
        String md = report(List.of(BASE, PLAIN, TLS), 5, null).render();

        assertThat(md).startsWith(ReportSections.INGEST_BEGIN + "\n" + IngestReport.TITLE).endsWith(ReportSections.INGEST_END);
        assertThat(md).contains("--baseline-jar /tmp/old.jar", "before: 0.5, 0.5, 0.5; after: 2.0, 1.0, 0.6",
                "**it was busy", "(http.md#performance)", "TLSv1.3, TLS_AES_256_GCM_SHA384", "| 1,000 | JDK HttpServer (cad1be2) | 2 | 300 |",
                "| 5,000 | Jetty, HTTPS | 10 | 300 |", "### Against JDK HttpServer (cad1be2)", "**2** connections were opened during"
                        + " the measured parts of all 18 loads", "| 1, 1, 1 | 93%, 93%, 93% | 0, 1, 0 |");
        assertThat(md).doesNotContain("NaN", "**No baseline", "**no**");
    }

    @Test
    void shouldSayWhenAContenderIsSlowerThanTheBaselineBeyondTheNoise() {
        String md = report(List.of(BASE, PLAIN, TLS), 50, null).render();

        assertThat(md).contains("| 1,000 | Jetty, HTTP | 0.00 (noise 2.00)", "| yes |",
                "| 5,000 | Jetty, HTTPS | +45.0 (noise 2.00)", "**no**: slower beyond the noise");
    }

    @Test
    void shouldSayThatThereIsNoBaselineWithoutOne() {
        String md = report(List.of(PLAIN, TLS), 5, "--baseline-jar was not given").render();

        assertThat(md).contains("**No baseline in this run**: --baseline-jar was not given");
        assertThat(md).doesNotContain("### Against");
    }
}
