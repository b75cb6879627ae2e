package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.query.StreamHistory;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Every change of an agent or a block, in order; block edits with a diff. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print every change of an agent, a block or an archive in order: time, type, actor, source;"
                + " for a block edit the versions and a unified diff of the old and new value.")
public final class HistoryCommand implements Callable<Integer> {
    public static final Setting<Boolean> JSON = Setting.flag("json")
            .doc("Print JSON (what GET /v1/agents/{id}/history answers) instead of text.");
    public static final Setting<Long> AFTER_SEQ = Setting.number("after-seq").defaultsTo(0L).label("SEQ")
            .check(Check.atLeast(0)).doc("Only changes after this stream_seq (to page through a long history).");
    public static final Setting<Integer> LIMIT = Setting.count("limit").defaultsTo(StreamHistory.MAX_LIMIT)
            .check(Check.between(1, StreamHistory.MAX_LIMIT)).doc("Most changes printed.");

    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup query = new SettingGroup(JSON, AFTER_SEQ, LIMIT);

    @Parameters(index = "0", paramLabel = "ID", description = "An agent, block or archive id (a stream id).")
    String streamId;

    @Override
    public Integer call() throws Exception {
        Optional<StreamHistory.History> history;
        String schema = postgres.schema();
        // with --kek-file the key store reads data keys on a second connection while the snapshot is open
        try (HikariDataSource pool = Database.pool(postgres.target(), privacy.enabled() ? 2 : 1, "agentlog-history", true)) {
            history = new StreamHistory(pool, schema).withCodec(privacy.codec(pool, schema)).of(streamId, query.get(AFTER_SEQ), query.get(LIMIT));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the history of " + streamId + " from " + schema
                    + " failed: " + e.getMessage(), e);
        }
        if (history.isEmpty()) {
            spec.commandLine().getErr().println("agentlog history: no events of " + streamId + " in schema "
                    + schema + " (check the id and --pg-schema)");
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (query.get(JSON)) {
            StateCommand.print(out, history.get().toJson());
        } else {
            out.print(history.get().toText());
            out.flush();
        }
        return ExitCodes.OK;
    }
}
