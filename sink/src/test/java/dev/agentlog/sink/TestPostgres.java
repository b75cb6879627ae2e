package dev.agentlog.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** One real PostgreSQL per test JVM (zonky), a pooled DataSource, and a fresh schema per test class or test. */
public final class TestPostgres {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres postgres;
    private static HikariDataSource dataSource;

    private TestPostgres() {}

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            try {
                // zonky turns synchronous_commit off by default; the sink's promise needs it on
                postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on").start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
            config.setMaximumPoolSize(4);
            config.setPoolName("sink-test");
            dataSource = new HikariDataSource(config);
            Runtime.getRuntime().addShutdownHook(new Thread(TestPostgres::stop));
        }
        return dataSource;
    }

    static String jdbcUrl() {
        dataSource();
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** A new schema, migrated. */
    public static String freshSchema(String prefix) {
        String schema = prefix + "_" + SCHEMAS.incrementAndGet();
        SchemaMigrator.migrate(dataSource(), schema);
        return schema;
    }

    public static void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static synchronized void stop() {
        try {
            if (dataSource != null) {
                dataSource.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        } catch (IOException e) {
            // the JVM is exiting
        }
    }
}
