package dev.agentlog.app.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL run from the machine's own server binaries: {@code initdb} once, then {@code pg_ctl start}/{@code stop}.
 * As root, every program runs as the {@code postgres} account (see {@link PostgresOsAccount}).
 */
final class MachinePostgresServer implements PostgresServer {
    static final String LOG_FILE = "postmaster.log";
    private static final Logger LOG = LoggerFactory.getLogger(MachinePostgresServer.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final int PG_CTL_WAIT_SECONDS = 60;
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(PG_CTL_WAIT_SECONDS + 30);
    private static final int LOG_TAIL_LINES = 15;

    private final MachinePostgresBinaries binaries;
    private final PostgresOsAccount account;
    private final Path dataDir;
    private final Thread stopOnJvmExit;
    private boolean stopped;

    private MachinePostgresServer(MachinePostgresBinaries binaries, PostgresOsAccount account, Path dataDir) {
        this.binaries = binaries;
        this.account = account;
        this.dataDir = dataDir;
        this.stopOnJvmExit = new Thread(this::stop, "local-postgres-stop");
    }

    /**
     * @param pgBinDir binaries to use, or null to find the machine's own
     * @throws LocalServiceStartException saying what failed and what to do
     */
    static MachinePostgresServer start(Path dataDir, int port, Path pgBinDir, String alsoListenOn) throws IOException {
        MachinePostgresBinaries binaries =
                MachinePostgresBinaries.choose(pgBinDir, PostgresClusterDirectory.majorVersion(dataDir));
        PostgresOsAccount account = PostgresOsAccount.forThisJvm();
        Files.createDirectories(dataDir);
        account.prepareDataDirectory(dataDir);
        MachinePostgresServer server = new MachinePostgresServer(binaries, account, dataDir);
        if (!PostgresClusterDirectory.holdsCluster(dataDir)) {
            server.initdb();
        }
        server.pgCtlStart(port, alsoListenOn);
        Runtime.getRuntime().addShutdownHook(server.stopOnJvmExit);
        return server;
    }

    @Override
    public String origin() {
        return binaries.binDir() + (account.isSeparateAccount() ? " as user " + PostgresOsAccount.SERVICE_ACCOUNT : "");
    }

    @Override
    public PostgresClusterDirectory.Source source() {
        return PostgresClusterDirectory.Source.MACHINE;
    }

    @Override
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        removeShutdownHook();
        try {
            ExternalCommand.Result result = ExternalCommand.run(account.command(binaries.program("pg_ctl").toString(),
                    "-D", dataDir.toString(), "-m", "fast", "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS), "stop"),
                    PG_CTL_TIMEOUT);
            if (!result.succeeded()) {
                LOG.warn("PostgreSQL in {} did not stop cleanly: {}", dataDir, result.describe());
            }
        } catch (IOException e) {
            LOG.warn("Could not stop PostgreSQL in {}: {}", dataDir, e.toString());
        }
    }

    private void initdb() throws IOException {
        LOG.info("Creating a PostgreSQL {} cluster in {}", binaries.version(), dataDir);
        ExternalCommand.Result result = ExternalCommand.run(account.command(binaries.program("initdb").toString(),
                "-D", dataDir.toString(),
                // Loopback-only server without passwords, like zonky's clusters.
                "-A", "trust",
                "-U", PostgresServerSettings.SUPERUSER,
                "-E", "UTF8",
                // The C locale exists everywhere, so the cluster does not depend on the machine's locales.
                "--locale=C"), INITDB_TIMEOUT);
        if (!result.succeeded()) {
            throw new LocalServiceStartException(
                    "initdb could not create a PostgreSQL cluster in " + dataDir + ": " + result.describe());
        }
    }

    private void pgCtlStart(int port, String alsoListenOn) throws IOException {
        Path logFile = dataDir.resolve(LOG_FILE);
        String serverOptions = "-p " + port + " " + PostgresServerSettings.asCommandLineOptions(alsoListenOn);
        ExternalCommand.Result result = ExternalCommand.run(account.command(binaries.program("pg_ctl").toString(),
                "-D", dataDir.toString(), "-l", logFile.toString(), "-w", "-t", String.valueOf(PG_CTL_WAIT_SECONDS),
                "-o", serverOptions, "start"), PG_CTL_TIMEOUT);
        if (!result.succeeded()) {
            throw new LocalServiceStartException("PostgreSQL " + binaries.version() + " did not start on "
                    + LocalPorts.LOOPBACK + ":" + port + " with data directory " + dataDir + ": " + result.describe()
                    + logTail(logFile));
        }
    }

    private static String logTail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.isEmpty() ? "" : "\nLast lines of " + logFile + ":\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "";
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnJvmExit);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from the hook itself.
        }
    }
}
