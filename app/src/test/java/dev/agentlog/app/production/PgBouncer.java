package dev.agentlog.app.production;

import dev.agentlog.app.e2e.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}) in transaction pooling mode in front of a {@link TlsPostgres}, TLS on
 * both sides: clients must use TLS ({@code client_tls_sslmode=require}, the test's certificate) and PgBouncer checks
 * the server's certificate ({@code server_tls_sslmode=verify-full}). Supabase's pooler on port 6543 works this way.
 * PgBouncer refuses to run as root, so a root JVM runs it as the {@code postgres} account.
 */
public final class PgBouncer implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/pgbouncer"), Path.of("/usr/bin/pgbouncer"));
    private static final String ACCOUNT = "postgres";

    private final Process process;
    private final int port;
    private final Path log;

    private PgBouncer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts PgBouncer on a free port for {@code database} of {@code server}; {@code users} maps each role it lets in
     * to its password (clients authenticate to PgBouncer with SCRAM; the server trusts PgBouncer on loopback).
     */
    public static PgBouncer start(Path dir, TlsPostgres server, TestCertificates certificates, String database,
            Map<String, String> users) throws Exception {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("pgbouncer is not installed: apt-get install -y pgbouncer (.ci/run does)"));
        Files.createDirectories(dir);
        int port = SaslSslBroker.freePort();
        StringBuilder userlist = new StringBuilder();
        users.forEach((user, password) -> userlist.append('"').append(user).append("\" \"").append(password)
                .append("\"\n"));
        Path auth = Files.writeString(dir.resolve("userlist.txt"), userlist);
        Path config = Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                database + " = host=127.0.0.1 port=" + server.port() + " dbname=" + database,
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "pool_mode = transaction",
                "auth_type = scram-sha-256",
                "auth_file = " + auth,
                "max_client_conn = 200",
                "default_pool_size = 8",
                // pgjdbc sends it at start-up; PgBouncer passes on only the parameters it knows
                "ignore_startup_parameters = extra_float_digits",
                "client_tls_sslmode = require",
                "client_tls_cert_file = " + certificates.serverCertificate(),
                "client_tls_key_file = " + certificates.serverKey(),
                "server_tls_sslmode = verify-full",
                "server_tls_ca_file = " + certificates.caCertificate(),
                ""));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal account = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(ACCOUNT);
            for (Path file : List.of(auth, config, certificates.serverKey(), certificates.serverCertificate(),
                    certificates.caCertificate())) {
                Files.setOwner(file, account);
            }
        }
        Files.setPosixFilePermissions(auth, PosixFilePermissions.fromString("rw-------"));
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("runuser", "-u", ACCOUNT, "--"));
        }
        command.addAll(List.of(binary.toString(), config.toString()));
        Path log = dir.resolve("pgbouncer.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PgBouncer bouncer = new PgBouncer(process, port, log);
        try {
            Await.until("PgBouncer to listen on " + port, Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("pgbouncer stopped: " + Files.readString(log));
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }, listening -> listening);
        } catch (Exception | Error e) {
            bouncer.close();
            throw e;
        }
        return bouncer;
    }

    /** {@code database} through PgBouncer, TLS verified against the test's CA and the host name. */
    public String url(String database, TestCertificates certificates) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?sslmode=verify-full&sslrootcert="
                + certificates.caCertificate();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
