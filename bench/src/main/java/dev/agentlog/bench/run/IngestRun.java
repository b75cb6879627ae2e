package dev.agentlog.bench.run;

import dev.agentlog.bench.child.IngestProcess;
import dev.agentlog.bench.measure.ConnectionWatch;
import dev.agentlog.bench.measure.ProcStat;
import dev.agentlog.events.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * The ingest path of several agentlog versions in one run: each contender is {@code agentlog ingest} of some
 * {@code agentlog.jar} in a JVM of its own, all producing to the same topics of the same broker, with the processor and
 * the sink of this JVM ({@link LatencyPipeline}) carrying the events to PostgreSQL (unless {@code rows} is off). Each gets the same warm-up, then
 * every load once per round, the order of the contenders rotated from round to round, so that neither the JIT nor a
 * busy minute of the machine favours one. Measured per request: send to the status line of its 202 (ack latency); per
 * event: 202 to row visible; the ingest JVM's CPU per event.
 */
public final class IngestRun {
    static final Topics TOPICS = new Topics("benchingest");
    static final String SCHEMA = "bench_ingest";
    static final String GROUP = "bench-ingest-sink";

    private IngestRun() {}

    /**
     * One contender: a jar and how its ingest is started.
     *
     * @param tls whether it serves HTTPS with the bench's certificate (the jar must know {@code --tls-cert-file})
     */
    public record Contender(String name, String description, Path jar, boolean tls) {}

    /**
     * What the run does.
     *
     * @param warmUpRate          events/s of each contender's warm-up
     * @param warmUpRunSeconds    seconds of each contender's warm-up (not measured)
     * @param warmUpSeconds       the first seconds of every load, not measured (connections open, the load settles)
     * @param jvmOptions          JVM options of every contender's JVM
     * @param rows                whether the processor and the sink carry the events on to rows (ack to row measured)
     */
    public record Settings(List<Contender> contenders, List<Integer> rates, int rounds, int seconds, int warmUpSeconds,
            int warmUpRate, int warmUpRunSeconds, List<String> jvmOptions, int partitions, long commitIntervalMs,
            int batchMaxWaitMs, boolean rows) {}

    /**
     * What the run measured.
     *
     * @param peakRssBytes each contender's peak resident memory, in the order of the settings' contenders
     */
    public record Results(List<IngestSample> samples, List<IngestFigures> figures, List<Long> peakRssBytes,
            String tlsSession) {}

    public static Results run(BenchEnvironment env, Settings s) throws Exception {
        String apiKey = "bench-" + UUID.randomUUID();
        BenchTls tls = s.contenders().stream().anyMatch(Contender::tls) ? BenchTls.make(env.workDir("tls")) : null;
        SSLContext clientTls = tls == null ? null : tls.clientContext();
        List<IngestSample> samples = new ArrayList<>();
        List<Long> peakRss = new ArrayList<>();
        List<HttpTarget> targets = new ArrayList<>();
        try (LatencyPipeline pipeline = s.rows() ? LatencyPipeline.start(env, TOPICS, SCHEMA, GROUP, s.partitions(),
                s.commitIntervalMs(), s.batchMaxWaitMs(), null) : LatencyPipeline.withoutRows(env, TOPICS, s.partitions())) {
            List<IngestProcess> processes = new ArrayList<>();
            try {
                for (Contender c : s.contenders()) {
                    processes.add(start(env, c, s, apiKey, tls));
                }
                for (int i = 0; i < processes.size(); i++) {
                    int port = processes.get(i).port();
                    targets.add(s.contenders().get(i).tls() ? HttpTarget.tls(port, apiKey, clientTls)
                            : HttpTarget.plain(port, apiKey));
                }
                for (int i = 0; i < processes.size() && s.warmUpRunSeconds() > 0; i++) {
                    pipeline.measure(targets.get(i), s.warmUpRate(), s.warmUpRunSeconds(), 0,
                            "warm-up: " + s.contenders().get(i).name(),
                            LoadGenerator.MeasuredPart.NONE);
                }
                int n = processes.size();
                for (int round = 1; round <= s.rounds(); round++) {
                    for (int rate : s.rates()) {
                        for (int position = 1; position <= n; position++) {
                            int i = (position - 1 + round - 1) % n; // rotated: each contender takes each place in turn
                            samples.add(measure(pipeline, targets.get(i), processes.get(i), s.contenders().get(i), rate,
                                    round, position, s));
                        }
                    }
                }
                for (IngestProcess p : processes) {
                    peakRss.add(p.peakRssBytes());
                }
            } finally {
                processes.forEach(IngestProcess::close);
            }
        }
        List<String> names = s.contenders().stream().map(Contender::name).toList();
        String tlsSession = targets.stream().map(HttpTarget::tlsSession).filter(Objects::nonNull).findFirst()
                .orElse("no HTTPS answer");
        return new Results(samples, IngestFigures.of(samples, names, s.rates()), peakRss, tlsSession);
    }

    private static IngestProcess start(BenchEnvironment env, Contender c, Settings s, String apiKey, BenchTls tls)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", env.bootstrapServers(), "--topic-prefix",
                TOPICS.prefix(), "--partitions", String.valueOf(s.partitions()), "--http-host", "127.0.0.1", "--http-port",
                "0", "--api-keys", "bench:" + apiKey));
        if (c.tls()) {
            args.addAll(List.of("--tls-cert-file", tls.certFile().toString(), "--tls-key-file", tls.keyFile().toString()));
        }
        Path log = env.workDir("ingest").resolve(c.name().replaceAll("[^A-Za-z0-9.-]+", "-") + ".log");
        System.err.println("  starting " + c.name() + " (" + c.jar() + "), log " + log);
        return IngestProcess.start(c.name(), c.jar(), s.jvmOptions(), args, log);
    }

    private static IngestSample measure(LatencyPipeline pipeline, HttpTarget target, IngestProcess process, Contender c,
            int rate, int round, int position, Settings s) throws Exception {
        String label = String.format(Locale.ROOT, "round %d, %,d/s: %s", round, rate, c.name());
        long dropsBefore = ProcStat.listenDrops();
        LatencyPipeline.Measurement m;
        Counters counters;
        try (ConnectionWatch connections = ConnectionWatch.start(target.port())) {
            counters = new Counters(process, connections);
            m = pipeline.measure(target, rate, s.seconds(), s.warmUpSeconds(), label, counters);
        }
        long dropsAfter = ProcStat.listenDrops();
        if (!process.isAlive()) {
            throw new IllegalStateException("the " + c.name() + " ingest stopped during the run; see its log");
        }
        LoadGenerator.Offered o = m.offered();
        return new IngestSample(c.name(), rate, round, position, o.batchSize(), o.requestAckNanos(), m.ackToRowNanos(),
                o.ackedEvents(), o.measuredSeconds(), o.failed(), m.rows().notVisible(), counters.cpuNanos(), counters.busy(),
                counters.connectionsAtStart, counters.connectionsAtEnd - counters.connectionsAtStart,
                dropsBefore < 0 || dropsAfter < 0 ? -1 : dropsAfter - dropsBefore);
    }

    /** The ingest JVM's CPU, the machine's ticks and the connections seen at both ends of a load's measured part. */
    private static final class Counters implements LoadGenerator.MeasuredPart {
        private final IngestProcess process;
        private final ConnectionWatch connections;
        int connectionsAtStart;
        int connectionsAtEnd;
        private long cpuAtStart = -1;
        private long cpuAtEnd = -1;
        private long[] ticksAtStart;
        private long[] ticksAtEnd;

        Counters(IngestProcess process, ConnectionWatch connections) {
            this.process = process;
            this.connections = connections;
        }

        @Override
        public void started() {
            cpuAtStart = process.cpuNanos();
            ticksAtStart = ProcStat.machineTicks();
            connectionsAtStart = connections.seen();
        }

        @Override
        public void ended() {
            cpuAtEnd = process.cpuNanos();
            ticksAtEnd = ProcStat.machineTicks();
            connectionsAtEnd = connections.seen();
        }

        long cpuNanos() {
            return cpuAtStart < 0 || cpuAtEnd < 0 ? -1 : cpuAtEnd - cpuAtStart;
        }

        double busy() {
            long total = ticksAtEnd[1] - ticksAtStart[1];
            return total <= 0 ? Double.NaN : (double) (ticksAtEnd[0] - ticksAtStart[0]) / total;
        }
    }
}
