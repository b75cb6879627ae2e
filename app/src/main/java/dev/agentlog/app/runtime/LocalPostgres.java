package dev.agentlog.app.runtime;

import dev.agentlog.sink.SqlFailures;
import dev.agentlog.support.retry.RetriesExhaustedException;
import dev.agentlog.support.retry.Retry;
import dev.agentlog.support.retry.RetryPolicy;
import dev.agentlog.support.retry.RetryStoppedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server on this machine for agentlog, so that a JDK and Maven are all a user needs. It prefers
 * the binaries bundled in the jar (zonky) and falls back to the machine's own PostgreSQL server binaries. The
 * cluster lives in a data directory that is reused across restarts; it listens on 127.0.0.1 only (but for {@link
 * #startOnPrivateNetwork}, the test hosts' network) and uses trust authentication for the {@code postgres} superuser,
 * so there is no password.
 */
public final class LocalPostgres implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

    private final PostgresServer server;
    private final Path dataDirectory;
    private final int port;
    private final String serverVersion;
    private boolean closed;

    private LocalPostgres(PostgresServer server, Path dataDirectory, int port, String serverVersion) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.serverVersion = serverVersion;
    }

    /**
     * Starts PostgreSQL on {@code dataDirectory}, creating the cluster on first use, and returns once it accepts
     * connections.
     *
     * @param port     TCP port on 127.0.0.1; 0 picks a free port
     * @param pgBinDir the machine's PostgreSQL bin directory to use instead of the bundled binaries; null to
     *                 prefer the bundled ones and fall back to an installed PostgreSQL
     * @throws LocalServiceStartException saying what failed and what to install or change
     */
    public static LocalPostgres start(Path dataDirectory, int port, Path pgBinDir) {
        return start(dataDirectory, port, pgBinDir, true, null);
    }

    /** As {@link #start(Path, int, Path)}; {@code bundledAllowed = false} forces the machine's binaries (tests). */
    static LocalPostgres start(Path dataDirectory, int port, Path pgBinDir, boolean bundledAllowed) {
        return start(dataDirectory, port, pgBinDir, bundledAllowed, null);
    }

    /**
     * As {@link #start(Path, int, Path)}, listening on {@code address} as well as on 127.0.0.1, and trusting clients of
     * {@code trustedCidr} (no password, as on loopback). Only for a private network that never leaves this machine:
     * the test harness's and the chaos run's network namespaces (docs/reliability.md), whose hosts reach this server
     * over a veth link. {@code up} never calls it.
     */
    public static LocalPostgres startOnPrivateNetwork(Path dataDirectory, int port, String address, String trustedCidr) {
        LocalPostgres postgres = start(dataDirectory, port, null, true, address);
        try {
            postgres.trust(trustedCidr);
            return postgres;
        } catch (RuntimeException | IOException | SQLException e) {
            postgres.close();
            throw new LocalServiceStartException("PostgreSQL could not trust " + trustedCidr + ": " + e, e);
        }
    }

    private static LocalPostgres start(Path dataDirectory, int port, Path pgBinDir, boolean bundledAllowed,
            String alsoListenOn) {
        Path dataDir = dataDirectory.toAbsolutePath().normalize();
        int resolvedPort = LocalPorts.resolve(port);
        if (!LocalPorts.isFree(resolvedPort)) {
            throw new LocalServiceStartException("PostgreSQL port " + LocalPorts.LOOPBACK + ":" + resolvedPort
                    + " is already in use: stop what listens there or choose another port");
        }
        PostgresClusterDirectory.runningPostmaster(dataDir).ifPresent(running -> {
            throw new LocalServiceStartException("A PostgreSQL server is already running on the data directory " + dataDir
                    + " (" + running + "), perhaps left by an agentlog that was killed: stop it (pg_ctl -D " + dataDir
                    + " stop -m fast, or kill its pid) and start again");
        });
        long startedAt = System.nanoTime();
        PostgresServer server = startServer(dataDir, resolvedPort, pgBinDir, bundledAllowed, alsoListenOn);
        try {
            String version = awaitReady(jdbcUrl(resolvedPort));
            PostgresClusterDirectory.recordSource(dataDir, server.source());
            LocalPostgres postgres = new LocalPostgres(server, dataDir, resolvedPort, version);
            LOG.info("{} ready after {} ms", postgres.description(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
            return postgres;
        } catch (RuntimeException | IOException e) {
            server.stop();
            throw e instanceof LocalServiceStartException lse ? lse
                    : new LocalServiceStartException("PostgreSQL in " + dataDir + " started but is not usable: " + e, e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
    public String jdbcUrl() {
        return jdbcUrl(port);
    }

    public String user() {
        return PostgresServerSettings.SUPERUSER;
    }

    /** Empty: the server trusts loopback connections. */
    public String password() {
        return "";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Server, address, binaries and data directory; safe to log (holds no secret). */
    public String description() {
        return "PostgreSQL " + serverVersion + " on " + LocalPorts.LOOPBACK + ":" + port + " (user " + user()
                + ", " + server.origin() + ", data in " + dataDirectory + ")";
    }

    /** Adds a trust line for {@code cidr} to pg_hba.conf (once) and has the server read it again. */
    private void trust(String cidr) throws IOException, SQLException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        String line = "host all all " + cidr + " trust";
        if (!Files.readAllLines(hba).contains(line)) {
            Files.writeString(hba, "\n" + line + "\n", StandardOpenOption.APPEND);
        }
        Properties props = new Properties();
        props.setProperty("user", user());
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), props);
             Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    /** Stops the server (fast shutdown); the data directory is kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
        LOG.info("PostgreSQL on port {} stopped", port);
    }

    private static PostgresServer startServer(Path dataDir, int port, Path pgBinDir, boolean bundledAllowed,
            String alsoListenOn) {
        Optional<PostgresClusterDirectory.Source> recorded = recordedSource(dataDir);
        // A cluster last run by the machine's binaries belongs to that account and version: zonky cannot run it.
        boolean tryBundled = bundledAllowed && pgBinDir == null
                && recorded.filter(source -> source == PostgresClusterDirectory.Source.MACHINE).isEmpty();
        Exception bundledFailure = null;
        if (tryBundled) {
            try {
                return BundledPostgresServer.start(dataDir, port, alsoListenOn);
            } catch (Exception e) {
                bundledFailure = e;
                LOG.warn("The bundled PostgreSQL binaries could not start ({}); trying the machine's own PostgreSQL",
                        e.toString());
            }
        }
        try {
            return MachinePostgresServer.start(dataDir, port, pgBinDir, alsoListenOn);
        } catch (LocalServiceStartException e) {
            if (bundledFailure != null) {
                e.addSuppressed(bundledFailure);
                throw new LocalServiceStartException(e.getMessage() + " (the bundled PostgreSQL binaries failed too: "
                        + bundledFailure + ")", e);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            LocalServiceStartException failure = new LocalServiceStartException("PostgreSQL could not start in " + dataDir
                    + ": " + e + (bundledFailure == null ? "" : " (the bundled binaries failed too: " + bundledFailure + ")")
                    + "; if PostgreSQL is not installed: " + MachinePostgresBinaries.INSTALL_HINT, e);
            if (bundledFailure != null) {
                failure.addSuppressed(bundledFailure);
            }
            throw failure;
        }
    }

    private static Optional<PostgresClusterDirectory.Source> recordedSource(Path dataDir) {
        try {
            return PostgresClusterDirectory.recordedSource(dataDir);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Connects until the server answers and returns its version: a retry of the connection while PostgreSQL starts
     * (refused, 57P03 "starting up"), for at most {@link #READY_TIMEOUT}; a failure no retry fixes ends it at once.
     */
    private static String awaitReady(String jdbcUrl) {
        Properties props = new Properties();
        props.setProperty("user", PostgresServerSettings.SUPERUSER);
        // Each attempt fails fast so the loop, not one attempt, bounds the wait.
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        Retry connecting = Retry.of("[postgres]", RetryPolicy.until(READY_TIMEOUT, 50, 500)).quietly();
        try {
            return connecting.run("connecting to " + jdbcUrl, SqlFailures.CLASSIFIER, () -> {
                try (Connection connection = DriverManager.getConnection(jdbcUrl, props);
                     Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SHOW server_version")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
        } catch (RetriesExhaustedException e) {
            throw new LocalServiceStartException("PostgreSQL did not accept connections at " + jdbcUrl + " within "
                    + READY_TIMEOUT.toSeconds() + " s: " + e.failure(), e.getCause());
        } catch (RetryStoppedException e) {
            throw new LocalServiceStartException("interrupted while waiting for PostgreSQL at " + jdbcUrl, e);
        } catch (Exception e) {
            throw new LocalServiceStartException("PostgreSQL at " + jdbcUrl + " refused agentlog: "
                    + SqlFailures.CLASSIFIER.describe(e), e);
        }
    }

    private static String jdbcUrl(int port) {
        return "jdbc:postgresql://" + LocalPorts.LOOPBACK + ":" + port + "/" + PostgresServerSettings.DATABASE;
    }
}
