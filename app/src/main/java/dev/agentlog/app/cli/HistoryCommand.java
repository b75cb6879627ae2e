package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.sink.query.StreamHistory;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Every change of an agent or a block, in order; block edits with a diff. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print every change of an agent, a block or an archive in order: time, type, actor, source;"
                + " for a block edit the versions and a unified diff of the old and new value.")
public final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    PostgresOptions postgres;

    @Parameters(index = "0", paramLabel = "ID", description = "An agent, block or archive id (a stream id).")
    String streamId;

    @Option(names = "--json", description = "Print JSON (what GET /v1/agents/{id}/history answers) instead of text.")
    boolean json;

    @Option(names = "--after-seq", defaultValue = "0", paramLabel = "SEQ",
            description = "Only changes after this stream_seq (to page through a long history).")
    long afterSeq;

    @Option(names = "--limit", defaultValue = "" + StreamHistory.MAX_LIMIT, paramLabel = "N",
            description = "Most changes printed.")
    int limit;

    @Override
    public Integer call() throws Exception {
        postgres.validate();
        String url = Required.option(postgres.url, "--pg-url");
        Optional<StreamHistory.History> history;
        try (HikariDataSource pool = Database.pool(url, postgres.user, postgres.password, 1, "agentlog-history")) {
            history = new StreamHistory(pool, postgres.schema).of(streamId, afterSeq, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the history of " + streamId + " from " + postgres.schema
                    + " failed: " + e.getMessage(), e);
        }
        if (history.isEmpty()) {
            spec.commandLine().getErr().println("agentlog history: no events of " + streamId + " in schema "
                    + postgres.schema + " (check the id and --pg-schema)");
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            StateCommand.print(out, history.get().toJson());
        } else {
            out.print(history.get().toText());
            out.flush();
        }
        return ExitCodes.OK;
    }
}
