package dev.agentlog.bench.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.runtime.LocalPostgres;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.bench.measure.ProcStat;
import dev.agentlog.sink.SchemaMigrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's world: the embedded Kafka broker and one local PostgreSQL, both fresh (their data directories are
 * emptied first), and a small connection pool for the bench's own statements (schemas, counting, COPY).
 */
public final class BenchEnvironment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BenchEnvironment.class);
    private static final String MARKER = ".agentlog-bench";

    private final Path dataDir;
    private final EmbeddedKafkaBroker broker;
    private final LocalPostgres postgres;
    private final HikariDataSource pool;
    private final long postmasterPid;
    private final String postgresVersion;

    private BenchEnvironment(Path dataDir, EmbeddedKafkaBroker broker, LocalPostgres postgres, HikariDataSource pool)
            throws SQLException {
        this.dataDir = dataDir;
        this.broker = broker;
        this.postgres = postgres;
        this.pool = pool;
        this.postmasterPid = ProcStat.postmasterPid(postgres.dataDirectory());
        this.postgresVersion = queryString("SELECT version()");
    }

    /** Empties {@code dataDir} (only a directory the bench made, or an empty one), starts the broker and PostgreSQL. */
    public static BenchEnvironment start(Path dataDir, int partitions) throws IOException, SQLException {
        Path dir = dataDir.toAbsolutePath().normalize();
        prepare(dir);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, 0, partitions);
        LocalPostgres postgres;
        try {
            postgres = LocalPostgres.start(dir.resolve("postgres"), 0, null);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        HikariDataSource pool = Database.pool(postgres.jdbcUrl(), postgres.user(), postgres.password(), 4, "bench-admin");
        log.info("[bench] Kafka on {}, {}", broker.bootstrapServers(), postgres.description());
        return new BenchEnvironment(dir, broker, postgres, pool);
    }

    /** Empties a directory the bench made (or an empty one) and marks it as the bench's. */
    static void prepare(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            boolean empty;
            try (Stream<Path> entries = Files.list(dir)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER))) {
                throw new IllegalArgumentException("--data-dir " + dir + " is not empty and was not made by the bench"
                        + " (no " + MARKER + " file): choose an empty or new directory");
            }
            try (Stream<Path> entries = Files.walk(dir)) {
                entries.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot empty the bench data directory: " + p, e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by agentlog-bench; emptied at the start of every run\n");
    }

    public Path dataDir() {
        return dataDir;
    }

    /** A directory of the run for files (logs, dumps, recordings). */
    public Path workDir(String name) throws IOException {
        return Files.createDirectories(dataDir.resolve("work").resolve(name));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public HikariDataSource pool() {
        return pool;
    }

    public String postgresVersion() {
        return postgresVersion;
    }

    /** CPU time of PostgreSQL (every process of the cluster) so far. */
    public long postgresCpuNanos() {
        return ProcStat.postgresCpuNanos(postmasterPid);
    }

    /** Drops the schema when it exists and creates the sink's tables in it (the migrations agentlog runs). */
    public void freshSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        SchemaMigrator.migrate(pool, schema);
    }

    /**
     * Leaves PostgreSQL with no work left over from the previous contender: waits (bounded) until no autovacuum
     * worker runs, then writes every dirty page, so that the next contender pays neither for the previous one's
     * vacuum nor for its checkpoint.
     */
    public void checkpoint() throws SQLException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(180);
        while (queryLong("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'") > 0
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200); // poll interval of a bounded wait on a condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        execute("CHECKPOINT");
    }

    /** Vacuums and analyzes the schema's tables now, so that autovacuum does not do it during the next contender. */
    public void vacuum(String schema) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            List<String> tables = new java.util.ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema + "'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.execute("VACUUM (ANALYZE) " + schema + "." + table);
            }
        }
    }

    /** Drops a schema the run no longer needs (its figures are taken), so that autovacuum has nothing to do there. */
    public void dropSchema(String schema) throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public long queryLong(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public String queryString(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The one timestamptz the query answers, as an instant; null when it is NULL. */
    public java.time.Instant queryTimestamp(String sql) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            java.time.OffsetDateTime t = rs.getObject(1, java.time.OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
    }

    @Override
    public void close() {
        pool.close();
        postgres.close();
        broker.close();
    }
}
