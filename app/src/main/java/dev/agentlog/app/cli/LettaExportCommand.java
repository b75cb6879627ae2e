package dev.agentlog.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.events.EventCodec;
import dev.agentlog.query.AgentFiles;
import dev.agentlog.query.LogHorizon;
import dev.agentlog.support.time.Time;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Agents as they were at an instant, as Letta's Agent File. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write agents as they were at --at (default: now) as Letta's Agent File (.af, the JSON of Letta"
                + " 0.16.8's AgentFileSchema): each agent with all its messages and its in-context ids, its blocks,"
                + " tools (with their source code where captured), folders and files, and the groups it manages or"
                + " joined with their other agents. Letta's server imports it (POST /v1/agents/import);"
                + " `agentlog letta import` too. What maps to what: docs/letta.md."})
public final class LettaExportCommand implements Callable<Integer> {
    public static final Setting<String> FORMAT = Setting.text("format").label("FORMAT").defaultsTo("af")
            .check(v -> v.equals("af") ? null : "af (Letta's Agent File), the one format there is")
            .doc("The form of the export: af, Letta's Agent File.");

    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup export = new SettingGroup(StateCommand.AT, FORMAT, ExportCommand.OUT);

    @Parameters(index = "0", arity = "1..*", paramLabel = "AGENT_ID", description = "The agents to export (one file).")
    List<String> agentIds;

    @Override
    public Integer call() throws Exception {
        String atText = export.get(StateCommand.AT);
        Instant at = atText == null ? Time.SYSTEM.instant() : StateCommand.instant(atText, StateCommand.AT.option());
        Path outFile = export.get(ExportCommand.OUT);
        String schema = postgres.schema();
        ObjectNode file;
        // with --kek-file the key store reads data keys on a second connection while the snapshot is open
        try (HikariDataSource pool = Database.pool(postgres.target(), privacy.enabled() ? 2 : 1, "agentlog-letta-export",
                true)) {
            file = new AgentFiles(pool, schema).withCodec(privacy.codec(pool, schema)).export(agentIds, at);
        } catch (LogHorizon.BeforeHorizon e) {
            spec.commandLine().getErr().println("agentlog letta export: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.BEFORE_HORIZON;
        } catch (SQLException e) {
            throw new IllegalStateException("exporting " + String.join(", ", agentIds) + " from " + schema + " failed: "
                    + e.getMessage(), e);
        }
        if (outFile == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.println(EventCodec.JSON.writeValueAsString(file));
            out.flush();
        } else {
            try (OutputStream stream = Files.newOutputStream(outFile)) {
                EventCodec.JSON.writeValue(stream, file);
            }
            spec.commandLine().getErr().println("exported " + file.get("agents").size() + " agents with "
                    + countMessages(file) + " messages to " + outFile);
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }

    private static int countMessages(ObjectNode file) {
        int count = 0;
        for (var agent : file.get("agents")) {
            count += agent.get("messages").size();
        }
        return count;
    }
}
