package dev.agentlog.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code agentlog bench sink|compare ...}: runs the benchmark program. It is built on its own (the {@code bench}
 * module) because {@code compare} carries the peer's jars (Kafka Connect, the Debezium JDBC sink, Hibernate), which
 * the shipped {@code agentlog.jar} must not; this command starts it in a JVM of its own with the arguments given.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the benchmarks: `agentlog bench sink` (the sink against raw COPY of the same rows) or"
                + " `agentlog bench compare` (also Kafka Connect + the Debezium JDBC sink, latency, rebuild). They write"
                + " docs/benchmarks.md and docs/benchmarks.png.",
                "The benchmark program is built separately: mvn -B -q -Ppeer -pl bench -am package -DskipTests"
                + " (-Ppeer only for compare). `agentlog bench sink --help` lists its options."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static final Setting<Path> BENCH_JAR = Setting.path("bench-jar")
            .defaultsTo(Path.of("bench/target/agentlog-bench.jar")).label("JAR")
            .doc("The benchmark program (agentlog-bench.jar, built from the bench module).");

    final SettingGroup program = new SettingGroup(BENCH_JAR);

    @Parameters(paramLabel = "ARGS", arity = "1..*",
            description = "The benchmark and its options: sink | compare [--events N] [...]")
    List<String> args;

    @Override
    public Integer call() throws Exception {
        Path benchJar = program.get(BENCH_JAR);
        if (!Files.isRegularFile(benchJar)) {
            spec.commandLine().getErr().println("--bench-jar: no benchmark program at " + benchJar.toAbsolutePath()
                    + "; build it from the repository's root with: mvn -B -q -Ppeer -pl bench -am package -DskipTests");
            return ExitCodes.USAGE;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(benchJar.toString());
        command.addAll(args);
        Process bench = new ProcessBuilder(command).inheritIO().start();
        return bench.waitFor();
    }
}
