package dev.agentlog.bench.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code agentlog} process of the chaos run (a broker, a processor instance, a sink worker, ingest), started from
 * this JVM's classpath, optionally through a launcher ({@code ip netns exec <host>}, which execs the JVM), so that it
 * can be SIGKILLed and started again with the same command, its output appended to one log.
 */
final class Part implements AutoCloseable {
    final String name;
    final int host; // the network host it runs on, -1 for the root namespace
    private final List<String> command;
    private final Path log;
    private Process process;

    Part(String name, int host, List<String> launcher, Path log, String... args) {
        this.name = name;
        this.host = host;
        this.log = log;
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=logback.xml", "-cp",
                System.getProperty("java.class.path"), "dev.agentlog.app.Main"));
        command.addAll(List.of(args));
        this.command = command;
    }

    Part start() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hook, no leaving a group, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
