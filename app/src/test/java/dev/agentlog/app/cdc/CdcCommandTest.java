package dev.agentlog.app.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentlog.app.Main;
import dev.agentlog.app.cli.ExitCodes;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.workload.LettaSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/** `agentlog cdc` as an operator meets it: consent before --setup changes the source, clear errors, --drop-slot. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcCommandTest {
    static final String DB = "letta_cli";
    static String url;
    static HikariDataSource source;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void createSource() throws Exception {
        TestRuntime runtime = TestRuntime.get();
        try (HikariDataSource admin = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), "", 1, "cli-admin");
             Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DB);
        }
        url = "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + DB;
        source = Database.pool(url, runtime.postgres.user(), "", 1, "cli-source");
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute(LettaSchema.ddl());
            s.execute("CREATE ROLE reader LOGIN");
        }
    }

    @AfterAll
    static void close() {
        source.close();
    }

    static Run run(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    @Order(0)
    void shouldRefuseToCaptureWhereLettasOwnWritesWouldFailAndNameTheFix() throws Exception {
        Run run = run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "postgres", "--bootstrap-servers",
                TestRuntime.get().bootstrapServers(), "--topic-prefix", "cdc-cli", "--slot-name", "refused");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("would make Letta's own writes fail", "blocks_agents has no primary key",
                "ALTER TABLE \"public\".\"tools_agents\" REPLICA IDENTITY FULL;", "agentlog cdc --setup");
        assertThat(Rows.of(source, "SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'refused'")).isEmpty();
    }

    @Test
    @Order(1)
    void shouldOnlyShowWhatSetupWouldRunWhenThereIsNoConsent() throws Exception {
        Run run = run(Map.of("AGENTLOG_SOURCE_PG_URL", url, "AGENTLOG_SOURCE_PG_USER", "postgres"), "cdc", "--setup",
                "--publication-name", "shown_only");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).contains("ALTER TABLE \"public\".\"messages\" REPLICA IDENTITY FULL;",
                "ALTER TABLE \"public\".\"agents_tags\" REPLICA IDENTITY FULL;   -- required: agents_tags has no primary key",
                "CREATE TABLE \"public\".\"agentlog_cdc_heartbeat\"", "CREATE PUBLICATION \"shown_only\" FOR TABLE");
        assertThat(run.err()).contains("nothing was changed", "--setup --yes");
        assertThat(Rows.of(source, "SELECT relreplident FROM pg_class WHERE relname = 'messages'")).containsExactly("d");
    }

    @Test
    @Order(2)
    void shouldSetFullReplicaIdentityAndThePublicationWithYes() throws Exception {
        Run run = run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "postgres", "--setup", "--yes",
                "--publication-name", "set_up");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(Rows.of(source, "SELECT relname FROM pg_class WHERE relname IN ('agents', 'messages', 'block', "
                + "'blocks_agents', 'archives', 'archives_agents', 'archival_passages', 'passage_tags', 'tools_agents', "
                + "'agents_tags') AND relreplident <> 'f'")).isEmpty();
        assertThat(Rows.of(source, "SELECT tablename FROM pg_publication_tables WHERE pubname = 'set_up'"))
                .contains("agents", "blocks_agents", "tools_agents", "agents_tags", "agentlog_cdc_heartbeat",
                        "providers", "files_agents")
                .doesNotContain("provider_traces", "mcp_oauth")
                .hasSize(47); // Letta's 48 tables, less the two left out as sensitive, plus the heartbeat table
        assertThat(run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "postgres", "--setup",
                "--publication-name", "set_up").out()).contains("nothing to set up");
    }

    @Test
    void shouldNameTheStatementThatGrantsReplicationWhenTheUserLacksIt() {
        Run run = run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "reader", "--bootstrap-servers",
                TestRuntime.get().bootstrapServers(), "--topic-prefix", "cdc-cli");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("ALTER ROLE \"reader\" REPLICATION");
    }

    @Test
    void shouldNameABadOptionAndNeverPrintThePassword() {
        Run run = run(Map.of("AGENTLOG_SOURCE_PG_PASSWORD", "s3cr3t"), "cdc", "--source-pg-url",
                "jdbc:postgresql://ada:s3cr3t@db/letta", "--slot-name", "Bad-Slot");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--slot-name").doesNotContain("s3cr3t");
    }

    @Test
    void shouldRequireTheSourceUrl() {
        Run run = run(Map.of(), "cdc", "--drop-slot");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--source-pg-url is required (or set AGENTLOG_SOURCE_PG_URL)");
    }

    @Test
    void shouldDropTheSlotThePublicationAndTheStoredPosition() throws Exception {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('dropped', 'pgoutput')");
            s.execute("CREATE PUBLICATION dropped FOR TABLE agents");
            s.execute("CREATE TABLE agentlog_cdc_offsets_dropped (id text)");
        }

        Run run = run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "postgres", "--drop-slot",
                "--slot-name", "dropped", "--publication-name", "dropped");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("replication slot dropped", "publication dropped",
                "source position table agentlog_cdc_offsets_dropped");
        assertThat(Rows.of(source, "SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'dropped'")).isEmpty();
        assertThat(run(Map.of(), "cdc", "--source-pg-url", url, "--source-pg-user", "postgres", "--drop-slot",
                "--slot-name", "dropped", "--publication-name", "dropped").out()).contains("nothing to drop");
    }
}
