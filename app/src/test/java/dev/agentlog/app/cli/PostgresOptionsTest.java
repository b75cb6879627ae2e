package dev.agentlog.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks of --pg-pooler that need no database: they stop a command before it connects. */
class PostgresOptionsTest {
    @Test
    void shouldRefuseServerSidePreparedStatementsThroughATransactionPooler() {
        CliTest.Run run = CliTest.run(Map.of(), "sink", "--bootstrap-servers", "k:9092", "--pg-pooler", "transaction",
                "--pg-url", "jdbc:postgresql://pooler:6543/db?prepareThreshold=5");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--pg-url sets prepareThreshold=5, but a transaction pooler");
    }

    @Test
    void shouldAskARebuildThroughAPoolerForADirectConnectionForItsMigrations() {
        CliTest.Run run = CliTest.run(Map.of(), "rebuild", "--bootstrap-servers", "k:9092", "--pg-pooler", "transaction",
                "--pg-url", "jdbc:postgresql://pooler:6543/db");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("which a transaction pooler cannot run: set --pg-migrate-url");
    }

    @Test
    void shouldNameThePoolersItKnows() {
        CliTest.Run run = CliTest.run(Map.of("AGENTLOG_PG_POOLER", "session"), "state", "agent-1", "--pg-url",
                "jdbc:postgresql://db/x");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--pg-pooler must be one of none, transaction, was 'session'");
    }
}
