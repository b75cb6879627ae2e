package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.query.AgentExport;
import dev.agentlog.query.LogHorizon;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An agent's events, with its blocks' and archives', as JSON lines. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write an agent's events (its own, and those of every block and archive attached to it) as JSON"
                + " lines in log order, up to --at. `agentlog import` sends them into another deployment, or forks"
                + " the agent with --as.")
public final class ExportCommand implements Callable<Integer> {
    public static final Setting<Path> OUT = Setting.path("out").label("FILE")
            .doc("Write to FILE instead of standard output.");

    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup export = new SettingGroup(StateCommand.AT, OUT);

    @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent to export.")
    String agentId;

    @Override
    public Integer call() throws Exception {
        String at = this.export.get(StateCommand.AT);
        Path outFile = this.export.get(OUT);
        Instant instant = at == null ? null : StateCommand.instant(at, StateCommand.AT.option());
        String schema = postgres.schema();
        long written;
        // with --kek-file the key store reads data keys on a second connection while the snapshot is open
        try (HikariDataSource pool = Database.pool(postgres.target(), privacy.enabled() ? 2 : 1, "agentlog-export", true)) {
            AgentExport export = new AgentExport(pool, schema).withCodec(privacy.codec(pool, schema));
            if (outFile == null) {
                PrintWriter out = spec.commandLine().getOut();
                written = export.write(agentId, instant, e -> out.println(new String(e.toJsonBytes(),
                        java.nio.charset.StandardCharsets.UTF_8)));
                out.flush();
            } else {
                try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(outFile))) {
                    written = export.write(agentId, instant, e -> {
                        file.write(e.toJsonBytes());
                        file.write('\n');
                    });
                }
            }
        } catch (LogHorizon.BeforeHorizon e) {
            spec.commandLine().getErr().println("agentlog export: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.BEFORE_HORIZON;
        } catch (SQLException e) {
            throw new IllegalStateException("exporting " + agentId + " from " + schema + " failed: "
                    + e.getMessage(), e);
        }
        if (written == 0) {
            spec.commandLine().getErr().println("agentlog export: no events of agent " + agentId + " in schema "
                    + schema + (at == null ? "" : " at or before " + at) + " (check the id and --pg-schema)");
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
        if (outFile != null) {
            spec.commandLine().getErr().println("exported " + written + " events of " + agentId + " to " + outFile);
            spec.commandLine().getErr().flush();
        }
        return ExitCodes.OK;
    }
}
