package dev.agentlog.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.sink.query.AgentState;
import dev.agentlog.sink.query.AgentStates;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An agent's whole state, now or at a past instant, as JSON. */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Print an agent's whole state as JSON: its config, attached blocks with their values, the"
                + " in-context window with its messages, archival passage counts and the latest passages. With --at,"
                + " as it was at that instant (from the log; the projections are not changed).")
public final class StateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    PostgresOptions postgres;

    @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent (its stream id).")
    String agentId;

    @Option(names = "--at", paramLabel = "TIME",
            description = "RFC 3339 instant with offset, e.g. 2026-11-24T10:15:30Z: the state as it was then.")
    String at;

    @Option(names = "--passages", defaultValue = "" + AgentStates.DEFAULT_LATEST_PASSAGES, paramLabel = "N",
            description = "How many of the newest passages of each archive to include.")
    int passages;

    @Override
    public Integer call() throws Exception {
        postgres.validate();
        String url = Required.option(postgres.url, "--pg-url");
        Instant instant = at == null ? null : instant(at, "--at");
        Optional<AgentState> state;
        try (HikariDataSource pool = Database.pool(url, postgres.user, postgres.password, 1, "agentlog-state")) {
            AgentStates states = new AgentStates(pool, postgres.schema);
            state = instant == null ? states.current(agentId, passages) : states.at(agentId, instant, passages);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the state of " + agentId + " from " + postgres.schema + " failed: "
                    + e.getMessage(), e);
        }
        if (state.isEmpty()) {
            spec.commandLine().getErr().println("agentlog state: no agent " + agentId + " in schema " + postgres.schema
                    + (instant == null ? "" : " at " + at) + " (check the id, --pg-schema"
                    + (instant == null ? "" : ", and that --at is after its first event") + ")");
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
        print(spec.commandLine().getOut(), state.get().toJson());
        return ExitCodes.OK;
    }

    static Instant instant(String text, String option) {
        return Timestamps.parse(text).map(t -> t.toInstant()).orElseThrow(() -> new IllegalArgumentException(
                option + " must be an RFC 3339 timestamp with offset, e.g. 2026-11-24T10:15:30Z, was '" + text + "'"));
    }

    static void print(PrintWriter out, ObjectNode json) throws java.io.IOException {
        out.println(EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        out.flush();
    }
}
