package dev.agentlog.bench.child;

import dev.agentlog.bench.measure.ProcStat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar <agentlog.jar> ingest ...} as a process of its own: any agentlog jar, the one built from this
 * checkout or an older one, started as a user starts it. Its output (stdout and stderr, merged) goes to a log file;
 * the line {@code ingest listening on <scheme>://<host>:<port>}, which every version prints, says it is up and where.
 * Stopped with SIGTERM, as a user stops it (its shutdown hook closes the server and the producer).
 */
public final class IngestProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("ingest listening on (https?)://\\S*:(\\d+)(\\s.*)?$");
    private static final int START_TIMEOUT_SECONDS = 120;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    /** Stops the process when the bench is stopped (Ctrl-C) before it could close it. */
    private final Thread stopOnExit;

    private IngestProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.stopOnExit = new Thread(process::destroy, "bench-stop-" + name);
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        Thread reader = new Thread(this::copyOutput, "bench-ingest-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java <jvmOptions> -jar <jar> ingest <args>} and waits until it listens.
     *
     * @throws IllegalStateException when it exits or does not listen within 120 s (the message names the log file)
     */
    public static IngestProcess start(String name, Path jar, List<String> jvmOptions, List<String> args, Path logFile)
            throws IOException, InterruptedException {
        return start(name, List.of("-jar", jar.toAbsolutePath().toString()), jvmOptions, args, logFile);
    }

    /**
     * Starts {@code agentlog ingest <args>} from the bench's own classpath (this checkout's agentlog, as the bench's
     * other commands run it) and waits until it listens.
     */
    public static IngestProcess startFromClasspath(String name, List<String> jvmOptions, List<String> args, Path logFile)
            throws IOException, InterruptedException {
        return start(name, List.of("-cp", System.getProperty("java.class.path"), dev.agentlog.app.Main.class.getName()),
                jvmOptions, args, logFile);
    }

    private static IngestProcess start(String name, List<String> launch, List<String> jvmOptions, List<String> args,
            Path logFile) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(launch);
        command.add("ingest");
        command.addAll(args);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        IngestProcess ingest = new IngestProcess(name, process, logFile);
        try {
            ingest.port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            ingest.close();
            throw new IllegalStateException("the " + name + " ingest (" + launch.get(launch.size() - 1) + ") did not start listening within "
                    + START_TIMEOUT_SECONDS + " s" + (process.isAlive() ? "" : " (it exited with code "
                    + process.exitValue() + ")") + "; see " + logFile, e);
        }
        return ingest;
    }

    /** The port of the {@code listening on} line, or -1 when {@code line} is not that line. */
    static int listeningPort(String line) {
        Matcher m = LISTENING.matcher(line);
        return m.find() ? Integer.parseInt(m.group(2)) : -1;
    }

    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.write('\n');
                log.flush();
                int listening = listeningPort(line);
                if (listening > 0) {
                    port.complete(listening);
                }
            }
        } catch (IOException e) {
            // the process is gone; start() or the bench's checks say so
        }
        port.completeExceptionally(new IllegalStateException("the output ended"));
    }

    public String name() {
        return name;
    }

    public int port() {
        return port.join();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time of the whole JVM so far (every thread: Jetty's or the JDK server's, the producer, GC, JIT). */
    public long cpuNanos() {
        return ProcStat.cpuNanos(process.pid());
    }

    public long peakRssBytes() {
        return ProcStat.peakRssBytes(process.pid());
    }

    /** SIGTERM, then waits (bounded); kills it when it does not stop. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook stops it
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
