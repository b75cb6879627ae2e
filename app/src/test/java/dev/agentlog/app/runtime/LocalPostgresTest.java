package dev.agentlog.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {
    /**
     * Shared by all tests and opened to other users: as root, the machine-binaries fallback runs PostgreSQL as
     * the postgres account, which cannot enter the 0700 directory @TempDir creates.
     */
    @TempDir
    static Path base;

    @BeforeAll
    static void letThePostgresAccountReachTheTestDirectory() throws IOException {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void bundledServerCommitsDurablyWithLogicalWalOnLoopback() throws Exception {
        Path dataDir = base.resolve("bundled-settings/pgdata");
        try (LocalPostgres postgres = LocalPostgres.start(dataDir, 0, null)) {
            assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
            assertThat(postgres.user()).isEqualTo("postgres");
            assertThat(postgres.password()).isEmpty();
            assertThat(postgres.description()).contains("bundled binaries", "127.0.0.1:" + postgres.port(), dataDir.toString());
            assertDurableLogicalSettings(postgres);
        }
    }

    @Test
    void bundledServerKeepsDataAcrossRestartOnTheSameDataDirectory() throws Exception {
        Path dataDir = base.resolve("bundled-restart/pgdata");
        try (LocalPostgres first = LocalPostgres.start(dataDir, 0, null)) {
            execute(first, "CREATE TABLE kept (id int PRIMARY KEY, note text)", "INSERT INTO kept VALUES (1, 'survives')");
        }

        try (LocalPostgres restarted = LocalPostgres.start(dataDir, 0, null)) {
            assertThat(restarted.description()).contains("bundled binaries");
            assertThat(queryString(restarted, "SELECT note FROM kept WHERE id = 1")).isEqualTo("survives");
        }
    }

    @Test
    void secondStartOnADataDirectoryInUseFailsNamingTheDirectory() throws Exception {
        Path dataDir = base.resolve("in-use/pgdata");
        try (LocalPostgres running = LocalPostgres.start(dataDir, 0, null)) {
            assertThatThrownBy(() -> LocalPostgres.start(dataDir, 0, null))
                    .isInstanceOf(LocalServiceStartException.class)
                    .hasMessageContaining("already running on the data directory " + dataDir)
                    .hasMessageContaining("port " + running.port());
        }
    }

    @Test
    void machineBinariesFallbackCommitsDurablyAndKeepsDataAcrossRestart() throws Exception {
        assumeTrue(!MachinePostgresBinaries.discover().isEmpty(), "no PostgreSQL server binaries installed");
        Path dataDir = base.resolve("machine/pgdata");
        try (LocalPostgres first = LocalPostgres.start(dataDir, 0, null, false)) {
            String newestBinDir = MachinePostgresBinaries.discover().get(0).binDir().toString();
            assertThat(first.description()).doesNotContain("bundled").contains(newestBinDir);
            assertDurableLogicalSettings(first);
            execute(first, "CREATE TABLE kept (id int PRIMARY KEY, note text)", "INSERT INTO kept VALUES (1, 'survives')");
        }

        // Bundled binaries allowed now, but the cluster belongs to the machine's binaries: they must run it again.
        try (LocalPostgres restarted = LocalPostgres.start(dataDir, 0, null)) {
            assertThat(restarted.description()).doesNotContain("bundled");
            assertThat(queryString(restarted, "SELECT note FROM kept WHERE id = 1")).isEqualTo("survives");
        }
    }

    @Test
    void machineBinariesAsRootRejectADataDirectoryThePostgresAccountCannotReach() throws Exception {
        assumeTrue(PostgresOsAccount.jvmRunsAsRoot(), "only root hands the cluster to the postgres account");
        assumeTrue(!MachinePostgresBinaries.discover().isEmpty(), "no PostgreSQL server binaries installed");
        Path privateDir = Files.createDirectory(base.resolve("private"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path dataDir = privateDir.resolve("pgdata");

        assertThatThrownBy(() -> LocalPostgres.start(dataDir, 0, null, false))
                .isInstanceOf(LocalServiceStartException.class)
                .hasMessageContaining("cannot reach the data directory " + dataDir)
                .hasMessageContaining(privateDir + " is not searchable");
    }

    @Test
    void pgBinDirWithoutServerProgramsFailsSayingWhatToInstall() throws Exception {
        Path emptyBinDir = Files.createDirectories(base.resolve("no-binaries/bin"));

        assertThatThrownBy(() -> LocalPostgres.start(base.resolve("no-binaries/pgdata"), 0, emptyBinDir))
                .isInstanceOf(LocalServiceStartException.class)
                .hasMessageContaining(emptyBinDir.toString())
                .hasMessageContaining("apt-get install -y postgresql")
                .hasMessageContaining("--pg-bin-dir");
    }

    @Test
    void portInUseFailsNamingThePort() throws Exception {
        try (ServerSocket occupied = new ServerSocket()) {
            occupied.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = occupied.getLocalPort();

            assertThatThrownBy(() -> LocalPostgres.start(base.resolve("port-in-use/pgdata"), port, null))
                    .isInstanceOf(LocalServiceStartException.class)
                    .hasMessageContaining("127.0.0.1:" + port + " is already in use");
        }
    }

    private static void assertDurableLogicalSettings(LocalPostgres postgres) throws SQLException {
        assertThat(queryString(postgres, "SHOW synchronous_commit")).isEqualTo("on");
        assertThat(queryString(postgres, "SHOW fsync")).isEqualTo("on");
        assertThat(queryString(postgres, "SHOW full_page_writes")).isEqualTo("on");
        assertThat(queryString(postgres, "SHOW wal_level")).isEqualTo("logical");
        assertThat(queryString(postgres, "SHOW max_replication_slots")).isEqualTo("10");
        assertThat(queryString(postgres, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(queryString(postgres, "SHOW unix_socket_directories")).isEmpty();
        assertThat(queryString(postgres, "SHOW max_wal_size")).isEqualTo("4GB");
        assertThat(queryString(postgres, "SHOW shared_buffers")).isEqualTo(
                PostgresServerSettings.all().get("shared_buffers").replace("1024MB", "1GB"));
    }

    private static void execute(LocalPostgres postgres, String... statements) throws SQLException {
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String queryString(LocalPostgres postgres, String sql) throws SQLException {
        try (Connection connection = connect(postgres);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    private static Connection connect(LocalPostgres postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }
}
