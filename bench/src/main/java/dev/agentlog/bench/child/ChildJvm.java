package dev.agentlog.bench.child;

import dev.agentlog.bench.measure.ProcStat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bench's handle on a contender running in its own JVM ({@link ChildMain}), started with this JVM's own java
 * and classpath: the shaded bench jar, or Maven's classpath in a test.
 */
public final class ChildJvm implements AutoCloseable {
    /** What {@link ChildMain} reports on {@code stats}. */
    public record Stats(long processCpuNanos, long workerThreadCpuNanos, long peakHeapBytes, long gcCount, long gcMillis) {}

    private final String name;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path logFile;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone; waiters time out and say so
            }
        }, "bench-child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code ChildMain <kind> <args>} with these JVM options, its stderr (logs) in {@code logFile}, and waits
     * for READY.
     */
    public static ChildJvm start(String name, List<String> jvmOptions, String kind, List<String> args, Path logFile)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildMain.class.getName());
        command.add(kind);
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(logFile.toFile()).start();
        ChildJvm child = new ChildJvm(name, process, logFile);
        child.expect("READY", 120);
        return child;
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** CPU time of the whole JVM so far (every thread: workers, Kafka client, GC, JIT), from /proc. */
    public long cpuNanos() {
        return ProcStat.cpuNanos(process.pid());
    }

    public long peakRssBytes() {
        return ProcStat.peakRssBytes(process.pid());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public synchronized Stats stats() throws IOException, InterruptedException {
        send("stats");
        String[] f = expect("STATS ", 30).substring("STATS ".length()).split(" ");
        return new Stats(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[4]));
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private String expect(String prefix, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                throw new IllegalStateException("the " + name + " JVM exited (code " + process.exitValue()
                        + ") before it said " + prefix.trim() + "; see " + logFile);
            }
        }
        throw new IllegalStateException("the " + name + " JVM did not say " + prefix.trim() + " within " + timeoutSeconds
                + " s; see " + logFile);
    }

    /** Asks the child to stop and waits (bounded); kills it when it does not. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("quit");
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
