package dev.agentlog.bench.run;

import dev.agentlog.app.Main;
import dev.agentlog.bench.measure.ProcStat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code agentlog rebuild} of the schema agentlog's sink built: the command itself ({@link Main}), run as a process of
 * its own with the contenders' JVM options, as an operator runs it beside a live deployment. Its CPU (from /proc) and
 * PostgreSQL's over the run are kept for "where the time goes".
 */
public final class RebuildRun {
    private static final Pattern PROGRESS = Pattern.compile("^rebuild [^:]+: (\\d+) of about");
    private static final Pattern RESULT = Pattern.compile("^rebuilt \\S+: (\\d+) records, (\\d+) events .* in ([\\d.]+) s");
    private static final Pattern SWAP = Pattern.compile("the live sink waited (\\d+) ms at the swap");

    private RebuildRun() {}

    /**
     * @param workers the rebuild's lanes ({@code agentlog rebuild --workers})
     * @param jvmOptions the rebuild JVM's options (the contenders')
     */
    public static RebuildFigures run(BenchEnvironment env, String liveSchema, String groupId, long events, int workers,
            int batchMaxEvents, List<String> jvmOptions) throws Exception {
        return run(env, liveSchema, groupId, events, workers, batchMaxEvents, jvmOptions, List.of());
    }

    /** As above, with more options of the command (e.g. {@code --whole-log}). */
    public static RebuildFigures run(BenchEnvironment env, String liveSchema, String groupId, long events, int workers,
            int batchMaxEvents, List<String> jvmOptions, List<String> moreOptions) throws Exception {
        env.checkpoint();
        Path log = env.workDir("rebuild").resolve("rebuild.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "rebuild",
                "--bootstrap-servers", env.bootstrapServers(), "--pg-url", env.postgres().jdbcUrl(),
                "--pg-user", env.postgres().user(), "--pg-schema", liveSchema, "--group-id", groupId,
                "--workers", Integer.toString(workers), "--rebuild-batch-max-events", Integer.toString(batchMaxEvents),
                "--pg-pool-size", Integer.toString(workers + 2)));
        command.addAll(moreOptions);
        Progress progress = new Progress("agentlog rebuild, " + workers + " worker" + (workers == 1 ? "" : "s"), events,
                "records");
        long pg0 = env.postgresCpuNanos();
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        AtomicLong read = new AtomicLong();
        AtomicReference<String> result = new AtomicReference<>();
        AtomicReference<String> swap = new AtomicReference<>();
        Path out = log.resolveSibling("rebuild.out");
        Thread output = new Thread(() -> readOutput(process, read, result, swap, out, started), "bench-rebuild-output");
        output.setDaemon(true);
        output.start();
        long cpu = 0;
        while (process.isAlive()) {
            long now = ProcStat.cpuNanos(process.pid());
            if (now >= 0) {
                cpu = now; // the last reading before it exits
            }
            progress.update(read.get());
            Thread.sleep(100); // poll interval of a wait for the process's exit
        }
        double wall = (System.nanoTime() - started) / 1e9;
        long pg = env.postgresCpuNanos() - pg0;
        output.join(10_000);
        if (process.exitValue() != 0 || result.get() == null) {
            throw new IllegalStateException("agentlog rebuild exited with " + process.exitValue() + "; its log: " + log
                    + tail(log));
        }
        Matcher m = RESULT.matcher(result.get());
        if (!m.find()) {
            throw new IllegalStateException("cannot read the rebuild's result line: " + result.get());
        }
        double swapSeconds = swap.get() == null ? 0 : Long.parseLong(swap.get()) / 1000.0;
        RebuildFigures figures = new RebuildFigures(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                Double.parseDouble(m.group(3)), swapSeconds, workers, cpu / 1e9, pg / 1e9, wall);
        progress.done(String.format(Locale.ROOT, "%,d records in %.1f s: %,.0f events/s, swap %.1f s", figures.records(),
                figures.replaySeconds(), figures.eventsPerSecond(), figures.swapSeconds()));
        return figures;
    }

    /** Reads the command's output, keeping it (each line with the seconds since start) in {@code out}. */
    private static void readOutput(Process process, AtomicLong read, AtomicReference<String> result,
            AtomicReference<String> swap, Path out, long started) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             java.io.PrintWriter kept = new java.io.PrintWriter(Files.newBufferedWriter(out))) {
            String line;
            while ((line = in.readLine()) != null) {
                kept.printf(Locale.ROOT, "%7.2f %s%n", (System.nanoTime() - started) / 1e9, line);
                Matcher progress = PROGRESS.matcher(line);
                if (progress.find()) {
                    read.set(Long.parseLong(progress.group(1)));
                } else if (line.startsWith("rebuilt ")) {
                    result.set(line);
                }
                Matcher waited = SWAP.matcher(line);
                if (waited.find()) {
                    swap.set(waited.group(1));
                }
            }
        } catch (IOException e) {
            // the process went away; its exit code and log say why
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
