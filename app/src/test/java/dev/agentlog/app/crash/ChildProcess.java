package dev.agentlog.app.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An agentlog part as its own JVM, started from the test's classpath, so that it can be killed with
 * SIGKILL (Process.destroyForcibly on Linux) at any moment, as a crash would, shutdown hooks skipped.
 */
public final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** {@code agentlog ARGS} in a JVM of its own, its output appended to {@code log}. */
    public static ChildProcess start(Path log, String... args) throws IOException {
        return startMain(log, List.of("-Xmx256m"), "dev.agentlog.app.Main", args);
    }

    /** As {@link #start}, logging what a user's agentlog logs (INFO, the shipped logback.xml), not the tests' WARN. */
    public static ChildProcess startLoggingAsShipped(Path log, String... args) throws IOException {
        return startMain(log, List.of("-Xmx256m", "-Dlogback.configurationFile=logback.xml"), "dev.agentlog.app.Main",
                args);
    }

    /** {@code mainClass ARGS} from the test's classpath in a JVM of its own with {@code jvmOptions}. */
    public static ChildProcess startMain(Path log, List<String> jvmOptions, String mainClass, String... args)
            throws IOException {
        return startMain(List.of(), log, jvmOptions, mainClass, args);
    }

    /**
     * As {@link #startMain(Path, List, String, String...)}, the java command run through {@code launcher} (which
     * execs it: the process is the JVM), e.g. {@code ip netns exec <host>} to start it on another network host.
     */
    public static ChildProcess startMain(List<String> launcher, Path log, List<String> jvmOptions, String mainClass,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-XX:TieredStopAtLevel=1"); // short-lived test JVMs: start fast rather than peak fast
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildProcess(builder.start(), log);
    }

    /** SIGKILL: no shutdown hook, no flush, no leaving the group. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process ended within {@code timeout}; empty while it still runs. */
    public java.util.OptionalInt awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
    }

    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
