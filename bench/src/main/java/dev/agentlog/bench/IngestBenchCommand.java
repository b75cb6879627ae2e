package dev.agentlog.bench;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.bench.report.IngestReport;
import dev.agentlog.bench.report.ReportSections;
import dev.agentlog.bench.run.BenchEnvironment;
import dev.agentlog.bench.run.IngestRun;
import dev.agentlog.bench.run.LatencyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 19's check that the ingest path stayed as fast: {@code agentlog ingest} of an older jar (the JDK HttpServer),
 * of this checkout's jar over plain HTTP and over HTTPS, in one run, each in a JVM of its own against the same broker.
 * Writes its section of docs/benchmarks.md and leaves the rest of the file as it is.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"The HTTP ingest path of `agentlog ingest`: a baseline jar (--baseline-jar, e.g. the JDK HttpServer"
                + " of commit cad1be2), this checkout's jar over HTTP and over HTTPS, in one run, each in its own JVM:"
                + " request-to-202 latency, 202-to-row latency and the ingest JVM's CPU per event at fixed loads. Writes the"
                + " section \"" + "Ingest: JDK HttpServer vs Jetty, TLS on and off\" of the report, keeping the rest of it.",
                "Build the baseline: git worktree add /tmp/agentlog-baseline cad1be2 && (cd /tmp/agentlog-baseline &&"
                        + " mvn -B -q -DskipTests package -pl app -am)"})
final class IngestBenchCommand implements Callable<Integer> {
    @Option(names = "--baseline-jar", paramLabel = "JAR",
            description = "The agentlog.jar to compare with, e.g. /tmp/agentlog-baseline/app/target/agentlog.jar built"
                    + " from commit cad1be2 (the JDK HttpServer). Without it only this checkout's two contenders run and the"
                    + " report says that there is no baseline.")
    Path baselineJar;

    @Option(names = "--baseline-name", defaultValue = "JDK HttpServer (cad1be2)", paramLabel = "NAME",
            description = "The baseline's name in the report (default: ${DEFAULT-VALUE}).")
    String baselineName;

    @Option(names = "--current-jar", defaultValue = "app/target/agentlog.jar", paramLabel = "JAR",
            description = "This checkout's agentlog.jar (default: ${DEFAULT-VALUE}; `mvn -pl bench -am package` builds it).")
    Path currentJar;

    @Option(names = "--rates", split = ",", defaultValue = "1000,5000", paramLabel = "N[,N...]",
            description = "Offered loads in events/s (default: ${DEFAULT-VALUE}).")
    List<Integer> rates;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Rounds; each runs every load once per contender, the contenders' order rotated from round to"
                    + " round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "20", paramLabel = "S",
            description = "Seconds of each load, the first 3 of them not measured (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warm-up-rate", defaultValue = "" + LatencyRun.WARM_UP_RATE, paramLabel = "N",
            description = "Events/s of each contender's warm-up before the rounds (default: ${DEFAULT-VALUE}).")
    int warmUpRate;

    @Option(names = "--warm-up-seconds", defaultValue = "60", paramLabel = "S",
            description = "Seconds of each contender's warm-up (default: ${DEFAULT-VALUE}).")
    int warmUpSeconds;

    @Option(names = "--jvm-options", defaultValue = "", paramLabel = "OPTIONS",
            description = "JVM options of every contender's JVM, space-separated (default: none, the JVM's defaults, as"
                    + " docker-compose.yml runs ingest).")
    String jvmOptions;

    @Option(names = "--latency-commit-interval-ms", defaultValue = "20", paramLabel = "MS",
            description = "The processor's --commit-interval-ms (default: ${DEFAULT-VALUE}, as in `compare`).")
    long commitIntervalMs;

    @Option(names = "--latency-batch-max-wait-ms", defaultValue = "10", paramLabel = "MS",
            description = "The sink's --batch-max-wait-ms (default: ${DEFAULT-VALUE}, as in `compare`).")
    int batchMaxWaitMs;

    @Option(names = "--rows", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Carry the events on to PostgreSQL (the processor and one sink worker in the bench's JVM) and"
                    + " measure 202 to row visible (default: on). --no-rows measures up to the 202 only, with the machine's"
                    + " CPU left to ingest and the broker.")
    boolean rows;

    @Option(names = "--partitions", defaultValue = "12", paramLabel = "N",
            description = "Partitions of the topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--data-dir", defaultValue = ".agentlog/bench", paramLabel = "DIR",
            description = "Broker and PostgreSQL data, certificates, the contenders' logs; emptied at the start (default:"
                    + " ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md", paramLabel = "FILE",
            description = "The report whose ingest section is written (default: ${DEFAULT-VALUE}).")
    Path output;

    /** Warm-up seconds at the start of every load, not measured. */
    private static final int LOAD_WARM_UP_SECONDS = 3;

    @Override
    public Integer call() throws Exception {
        validate();
        List<IngestRun.Contender> contenders = new ArrayList<>();
        if (baselineJar != null) {
            contenders.add(new IngestRun.Contender(baselineName, "the JDK's `com.sun.net.httpserver.HttpServer`, plain HTTP",
                    baselineJar, false));
        }
        contenders.add(new IngestRun.Contender("Jetty, HTTP", "Jetty 12, plain HTTP", currentJar, false));
        contenders.add(new IngestRun.Contender("Jetty, HTTPS", "Jetty 12, HTTPS with `--tls-cert-file`/`--tls-key-file`",
                currentJar, true));
        List<String> jvm = BenchOptions.jvmOptionList(jvmOptions);
        IngestRun.Settings settings = new IngestRun.Settings(contenders, rates, rounds, seconds, LOAD_WARM_UP_SECONDS,
                warmUpRate, warmUpSeconds, jvm, partitions, commitIntervalMs, batchMaxWaitMs, rows);
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverages();
        IngestRun.Results results;
        try (BenchEnvironment env = BenchEnvironment.start(dataDir, partitions)) {
            results = IngestRun.run(env, settings);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("This checkout", RunInfo.mavenVersion("dev.agentlog", "agentlog-ingest") + RunInfo.git());
        versions.put("Jetty", org.eclipse.jetty.util.Jetty.VERSION);
        IngestReport report = new IngestReport(SinkCommand.command("ingest"), started, Duration.between(started,
                Instant.now()), Machine.current(), loadBefore, Machine.loadAverages(), settings, results,
                baselineJar == null ? "--baseline-jar was not given, so only this checkout's contenders ran." : null,
                versions);
        ReportSections.writeInto(output, report.render());
        System.err.println("  report: " + output.toAbsolutePath() + " (section \"" + IngestReport.TITLE.substring(3) + "\")");
        return 0;
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (baselineJar != null && !Files.isRegularFile(baselineJar)) {
            problems.add("--baseline-jar " + baselineJar + ": no such file; build it with: git worktree add"
                    + " /tmp/agentlog-baseline cad1be2 && (cd /tmp/agentlog-baseline && mvn -B -q -DskipTests package -pl app"
                    + " -am)");
        }
        if (!Files.isRegularFile(currentJar)) {
            problems.add("--current-jar " + currentJar + ": no such file; build it from the repository's root with: mvn -B"
                    + " -pl bench -am package -DskipTests");
        }
        if (rates.isEmpty() || rates.stream().anyMatch(r -> r < 1)) {
            problems.add("--rates must be one or more numbers >= 1, was " + rates);
        }
        if (rounds < 1) {
            problems.add("--rounds must be >= 1, was " + rounds);
        }
        if (seconds <= LOAD_WARM_UP_SECONDS) {
            problems.add("--seconds must be more than " + LOAD_WARM_UP_SECONDS + " (its first seconds are not measured), was "
                    + seconds);
        }
        if (warmUpRate < 1 || warmUpSeconds < 0) {
            problems.add("--warm-up-rate must be >= 1 and --warm-up-seconds >= 0, were " + warmUpRate + " and "
                    + warmUpSeconds);
        }
        if (partitions < 1) {
            problems.add("--partitions must be >= 1, was " + partitions);
        }
        Path reportDir = output.toAbsolutePath().getParent();
        if (reportDir == null || !Files.isDirectory(reportDir)) {
            problems.add("--output " + output + ": its directory does not exist (run from the repository's root, or pass"
                    + " --output)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }
}
