package dev.agentlog.bench.chaos;

import dev.agentlog.bench.measure.Machine;
import dev.agentlog.workload.hosts.NetworkHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agentlog-bench chaos}: issue 16's chaos run; writes docs/reliability.md. Not run in CI. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"A fixed-length run at a steady load through ingest while a schedule SIGKILLs and restarts"
                + " brokers of a three-node cluster (the active controller included), processor instances, sink"
                + " workers and PostgreSQL, and cuts hosts off the network (network namespaces: needs root); then"
                + " checks that every acknowledged event is in the log of record and in PostgreSQL once, that the"
                + " projections equal the fold of the log and that nothing is in the dead-letter topic. Writes"
                + " docs/reliability.md (run it from the repository's root). Exit code 1 when a check fails."})
public final class ChaosCommand implements Callable<Integer> {
    /** The arguments as given, for the report's "command that produced it" (set by BenchMain). */
    public static String commandLine = "agentlog-bench chaos";

    @Option(names = "--minutes", defaultValue = "20", paramLabel = "N",
            description = "Length of the fault schedule in minutes (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "EVENTS_PER_S",
            description = "Offered load in events per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--seed", defaultValue = "16", paramLabel = "N",
            description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-hosts", description = "Run everything on loopback even as root: no host cut off.")
    boolean noHosts;

    @Option(names = "--out", defaultValue = "docs/reliability.md", paramLabel = "FILE",
            description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        String unavailable = NetworkHosts.unavailable().orElse(null);
        boolean namespaces = !noHosts && unavailable == null;
        if (!noHosts && unavailable != null) {
            System.out.println("no host will be cut off: " + unavailable);
        }
        Path dir = Files.createTempDirectory("agentlog-chaos-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x"))); // PostgreSQL may run as the postgres user
        System.out.println("logs of every part in " + dir);
        String loadBefore = Machine.loadAverages();
        Instant date = Instant.now();
        Duration length = Duration.ofMinutes(minutes);
        ChaosRun.Result result = ChaosRun.run(dir, length, rate, seed, namespaces, System.out);
        String report = ReliabilityReport.markdown(result, length, rate, commandLine, Machine.current(), loadBefore,
                Machine.loadAverages(), date);
        Files.writeString(out, report);
        System.out.println(report);
        return result.check().passed() ? 0 : 1;
    }
}
