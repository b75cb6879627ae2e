package dev.agentlog.app.production;

import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.runtime.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * A PostgreSQL of its own (started by {@link LocalPostgres}) with {@code ssl=on} and a server certificate of
 * {@link TestCertificates}, as hosted PostgreSQL services run it; clients connect with {@code sslmode=verify-full}.
 */
public final class TlsPostgres implements AutoCloseable {
    private final LocalPostgres postgres;
    private final TestCertificates certificates;

    private TlsPostgres(LocalPostgres postgres, TestCertificates certificates) {
        this.postgres = postgres;
        this.certificates = certificates;
    }

    /** Starts the server in {@code dataDir}, puts the certificate in it, turns TLS on and waits until it serves TLS. */
    public static TlsPostgres start(Path dataDir, TestCertificates certificates) throws Exception {
        LocalPostgres postgres = LocalPostgres.start(dataDir, 0, null);
        try {
            // The key must belong to the server's account (the data directory's owner) and be private to it.
            UserPrincipal owner = Files.getOwner(postgres.dataDirectory().resolve("PG_VERSION"));
            for (String file : new String[] {"server.crt", "server.key"}) {
                Path copy = postgres.dataDirectory().resolve(file);
                Files.copy(certificates.dir().resolve(file), copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
                Files.setOwner(copy, owner);
            }
            try (Connection c = connect(postgres.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("ALTER SYSTEM SET ssl_cert_file = 'server.crt'");
                s.execute("ALTER SYSTEM SET ssl_key_file = 'server.key'");
                s.execute("ALTER SYSTEM SET ssl = on");
                s.execute("SELECT pg_reload_conf()");
            }
            TlsPostgres tls = new TlsPostgres(postgres, certificates);
            // the reload is asynchronous: wait until a new connection is offered TLS
            Await.until("PostgreSQL to serve TLS", Duration.ofSeconds(60), () -> {
                try (Connection c = connect(tls.url("postgres")); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                    return rs.next() && rs.getBoolean(1);
                }
            }, on -> on);
            return tls;
        } catch (Exception | Error e) {
            postgres.close();
            throw e;
        }
    }

    /** A direct connection to {@code database}, TLS verified against the test's CA and the host name. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database + "?sslmode=verify-full&sslrootcert="
                + certificates.caCertificate();
    }

    public int port() {
        return postgres.port();
    }

    /** A connection as the superuser (the server trusts loopback connections). */
    public Connection superuser(String database) throws Exception {
        return connect(url(database));
    }

    private static Connection connect(String url) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return DriverManager.getConnection(url, props);
    }

    @Override
    public void close() {
        postgres.close();
    }
}
