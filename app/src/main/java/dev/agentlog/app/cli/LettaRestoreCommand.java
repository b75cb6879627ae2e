package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.LoggedEvents;
import dev.agentlog.letta.restore.AgentRestore;
import dev.agentlog.letta.restore.LettaRows;
import dev.agentlog.letta.restore.LettaTarget;
import dev.agentlog.letta.restore.ToolCallRepair;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agentlog letta restore}: an agent as it was at an instant, written into a Letta database (docs/letta.md). */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Write an agent, as it was at --at, into a Letta (0.16.8) database: its agents row with"
                + " message_ids, messages, blocks, archives and passages, conversations, files, tool, folder, identity"
                + " and group links, tags, and the shared rows they need that the target lacks; one transaction."
                + " Refuses (exit code 4) when the target already holds the agent, unless --as gives it new ids.")
public final class LettaRestoreCommand implements Callable<Integer> {
    static final Setting<String> TARGET_PG_URL = Setting.text("target-pg-url").label("JDBC_URL")
            .shownAs(Secrets::maskJdbcUrl)
            .check(url -> url.startsWith("jdbc:postgresql:") ? null : "must start with jdbc:postgresql:")
            .doc("The Letta database to write the agent into (its tables on the URL's search_path, e.g. ?currentSchema=letta for Letta's own image).");
    static final Setting<String> TARGET_PG_USER = Setting.text("target-pg-user").label("USER")
            .doc("The user for --target-pg-url, when the URL does not name one.");
    static final Setting<String> TARGET_PG_PASSWORD = Setting.secret("target-pg-password").label("PASSWORD")
            .doc("The password of --target-pg-user. Never logged.");
    /** import's: a new agent with this id, new ids for all it owns (here in Letta's format; shared rows keep theirs). */
    static final Setting<String> AS = ImportCommand.AS;
    static final Setting<Boolean> REPAIR = Setting.flag("repair")
            .doc("Drop from the restored windows each tool call without its tool result and each result without its call, and print them.");

    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();
    final SettingGroup restore = new SettingGroup(StateCommand.AT, TARGET_PG_URL, TARGET_PG_USER, TARGET_PG_PASSWORD,
            AS, REPAIR);
    final PrivacyOptions privacy = new PrivacyOptions();

    {
        restore.require(StateCommand.AT);
        restore.require(TARGET_PG_URL);
    }

    @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent (its stream id in the log).")
    String agentId;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String at = restore.get(StateCommand.AT);
        Instant instant = StateCommand.instant(at, StateCommand.AT.option());
        String newId = restore.get(AS);
        String target = Secrets.maskJdbcUrl(restore.get(TARGET_PG_URL));
        LettaRows rows;
        String schema = postgres.schema();
        long started = System.nanoTime();
        try (HikariDataSource pool = Database.pool(postgres.target(), privacy.enabled() ? 2 : 1, "agentlog-restore", true);
             Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                rows = AgentRestore.fold(agentId, new LoggedEvents(c, schema, instant, privacy.codec(pool, schema)));
            } finally {
                c.rollback();
            }
        } catch (AgentRestore.NoSuchAgentException e) {
            err.println("agentlog letta restore: " + e.getMessage() + " (" + at + ", schema " + schema + "; "
                    + firstEvent(schema) + ")");
            err.flush();
            return ExitCodes.FAILURE;
        } catch (SQLException e) {
            throw new IllegalStateException("reading agent " + agentId + " from schema " + schema + " failed: "
                    + e.getMessage(), e);
        }
        if (Boolean.TRUE.equals(restore.get(REPAIR))) {
            List<ToolCallRepair.Dropped> dropped = AgentRestore.repair(rows, agentId);
            out.println(dropped.isEmpty() ? "--repair: no orphaned tool call or result in the restored windows"
                    : "--repair dropped " + dropped.size() + " message(s) from the restored windows:");
            dropped.forEach(d -> out.println("  " + d));
        }
        long folded = System.nanoTime();
        String restoredId = newId == null ? agentId : newId;
        if (newId != null) {
            AgentRestore.renameTo(rows, agentId, newId);
        }
        try (Connection c = targetConnection()) {
            c.setAutoCommit(false);
            LettaTarget letta = new LettaTarget(c);
            List<String> conflicts = letta.conflicts(rows);
            if (!conflicts.isEmpty()) {
                c.rollback();
                err.println("agentlog letta restore: the target already holds "
                        + (conflicts.contains("agents " + restoredId) ? "agent " + restoredId : "rows of agent " + restoredId)
                        + " (" + String.join(", ", conflicts.subList(0, Math.min(5, conflicts.size())))
                        + (conflicts.size() > 5 ? ", and " + (conflicts.size() - 5) + " more" : "")
                        + "); nothing was written. Restore it under a new id with --as NEW_ID, or into another database"
                        + " (target " + target + ")");
                err.flush();
                return ExitCodes.CONFLICT;
            }
            LettaTarget.Written written = letta.write(rows);
            c.commit();
            out.println("restored agent " + agentId + (newId == null ? "" : " as " + newId) + " as it was at " + at
                    + ": " + written.inserted() + (written.sharedPresent() == 0 ? "" : "; " + written.sharedPresent()
                    + " shared row(s) the target had already") + "; log read and folded in "
                    + (folded - started) / 1_000_000 + " ms, written in " + (System.nanoTime() - folded) / 1_000_000
                    + " ms (target " + target + ")");
            written.leftOut().forEach(what -> out.println("  left out: " + what));
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new IllegalStateException("restoring agent " + agentId + " failed, nothing was written: "
                    + Secrets.maskJdbcUrl(String.valueOf(e.getMessage())) + " (target " + target + ")", e);
        }
    }

    /** When the log's first event of the agent is, for a refusal that says what --at would work. */
    private String firstEvent(String schema) {
        try (HikariDataSource pool = Database.pool(postgres.target(), 1, "agentlog-restore", true);
             Connection c = pool.getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*), min(occurred_at) FROM \"" + schema
                     + "\".events WHERE stream_id = ?")) {
            s.setString(1, agentId);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0 ? "the log has no event of it" : "the log has " + rs.getLong(1)
                        + " events of it, the first at " + rs.getObject(2, java.time.OffsetDateTime.class);
            }
        } catch (SQLException e) {
            return "its events could not be counted: " + e.getMessage();
        }
    }

    private Connection targetConnection() throws SQLException {
        Properties properties = new Properties();
        if (restore.get(TARGET_PG_USER) != null) {
            properties.setProperty("user", restore.get(TARGET_PG_USER));
        }
        if (restore.get(TARGET_PG_PASSWORD) != null) {
            properties.setProperty("password", restore.get(TARGET_PG_PASSWORD));
        }
        properties.setProperty("ApplicationName", "agentlog-letta-restore");
        // a table's rows go in as multi-row INSERTs: one round trip per batch, not per row
        properties.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(restore.get(TARGET_PG_URL), properties);
    }
}
