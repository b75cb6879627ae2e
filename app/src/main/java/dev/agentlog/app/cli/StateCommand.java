package dev.agentlog.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.events.EventCodec;
import dev.agentlog.events.Timestamps;
import dev.agentlog.query.AgentState;
import dev.agentlog.query.AgentStates;
import dev.agentlog.query.LogHorizon;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** An agent's whole state, now or at a past instant, as JSON. */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Print an agent's whole state as JSON: its config, attached blocks with their values, the"
                + " in-context window with its messages, archival passage counts and the latest passages. With --at,"
                + " as it was at that instant (from the log; the projections are not changed). Exit code 4 when that"
                + " instant is older than what the log still holds (before the oldest snapshot kept).")
public final class StateCommand implements Callable<Integer> {
    /** Also export's: the events up to that instant. */
    public static final Setting<String> AT = Setting.text("at").label("TIME")
            .check(text -> Timestamps.parse(text).isPresent() ? null
                    : "an RFC 3339 timestamp with offset, e.g. 2026-11-24T10:15:30Z")
            .doc("RFC 3339 instant with offset, e.g. 2026-11-24T10:15:30Z: the state as it was then (export: the events up to it).");
    public static final Setting<Integer> PASSAGES = Setting.count("passages")
            .defaultsTo(AgentStates.DEFAULT_LATEST_PASSAGES).check(Check.between(0, 10_000))
            .doc("How many of the newest passages of each archive to include.");

    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();
    final SettingGroup query = new SettingGroup(AT, PASSAGES);
    final PrivacyOptions privacy = new PrivacyOptions();

    @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent (its stream id).")
    String agentId;

    @Override
    public Integer call() throws Exception {
        String at = query.get(AT);
        int passages = query.get(PASSAGES);
        Instant instant = at == null ? null : instant(at, AT.option());
        Optional<AgentState> state;
        String schema = postgres.schema();
        // with --kek-file the key store reads data keys on a second connection while the snapshot is open
        try (HikariDataSource pool = Database.pool(postgres.target(), privacy.enabled() ? 2 : 1, "agentlog-state", true)) {
            AgentStates states = new AgentStates(pool, schema).withCodec(privacy.codec(pool, schema));
            state = instant == null ? states.current(agentId, passages) : states.at(agentId, instant, passages);
        } catch (LogHorizon.BeforeHorizon e) {
            spec.commandLine().getErr().println("agentlog state: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.BEFORE_HORIZON;
        } catch (SQLException e) {
            throw new IllegalStateException("reading the state of " + agentId + " from " + schema + " failed: "
                    + e.getMessage(), e);
        }
        if (state.isEmpty()) {
            spec.commandLine().getErr().println("agentlog state: no agent " + agentId + " in schema " + schema
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
