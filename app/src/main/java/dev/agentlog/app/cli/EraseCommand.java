package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.Eraser;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.sink.erasure.ErasurePlan;
import dev.agentlog.support.time.Time;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Erasure of a person's agents for good (docs/privacy.md). */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = {"Erase agents for good (GDPR art. 17): destroy their data keys (their sealed events in Kafka,"
                + " in backups and in the dead-letter topic can no longer be read), delete their rows from every table,"
                + " erase their events' payloads, and append a subject.erased event, so that every later rebuild,"
                + " verify, state and export shows nothing of them. Prints a receipt.",
                "Without --confirm it only prints what it would erase."},
        subcommands = {EraseCommand.Agent.class, EraseCommand.Subject.class})
public final class EraseCommand implements Runnable {
    static final Setting<String> REQUESTED_BY = Setting.text("requested-by").label("WHO")
            .doc("Who asked for the erasure (kept in the subject.erased event and the key store; no personal data).");
    static final Setting<Boolean> CONFIRM = Setting.flag("confirm")
            .doc("Erase: without it, erase only prints what it would erase.");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both subcommands share: where, who, and the erasure itself. */
    abstract static class Erasing implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        final KafkaOptions kafka = KafkaOptions.required();
        final PostgresOptions postgres = PostgresOptions.required();
        final SettingGroup erase = new SettingGroup(REQUESTED_BY, CONFIRM).require(REQUESTED_BY);

        abstract ErasurePlan plan(Eraser eraser) throws Exception;

        @Override
        public Integer call() throws Exception {
            KafkaClients clients = kafka.clients();
            KafkaAccess.check(clients);
            PrintWriter out = spec.commandLine().getOut();
            try (HikariDataSource pool = Database.pool(postgres.target(), 2, "agentlog-erase", false);
                 EventPublisher publisher = new EventPublisher(clients.bootstrapServers(), kafka.topics(),
                         PublisherSettings.DEFAULT, clients.common())) {
                Eraser eraser = new Eraser(pool, postgres.schema(), publisher, Time.SYSTEM);
                ErasurePlan plan = plan(eraser);
                if (plan.isEmpty()) {
                    throw new IllegalArgumentException("nothing to erase: the log of " + postgres.schema()
                            + " knows no such agent or subject (check the id and --pg-schema)");
                }
                if (!erase.get(CONFIRM)) {
                    out.println("would erase agents " + plan.agents() + ", blocks " + plan.blocks() + ", archives "
                            + plan.archives() + (plan.keptShared().isEmpty() ? ""
                                    : "; would keep (shared with other agents) " + plan.keptShared()));
                    out.println("nothing erased: run again with --confirm");
                    out.flush();
                    return ExitCodes.FAILURE;
                }
                out.print(eraser.erase(plan, erase.get(REQUESTED_BY)).toText());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "agent", mixinStandardHelpOptions = true,
            description = "Erase agents with their own blocks and archives (those no other agent ever attached).")
    static final class Agent extends Erasing {
        @Parameters(paramLabel = "AGENT_ID", arity = "1..*", description = "The agents (their stream ids).")
        List<String> agents;

        @Override
        ErasurePlan plan(Eraser eraser) throws Exception {
            for (String agent : agents) {
                if (!eraser.known(agent)) {
                    throw new IllegalArgumentException("the log knows no agent " + agent + " (check the id and"
                            + " --pg-schema); nothing was erased");
                }
            }
            return eraser.planAgents(agents);
        }
    }

    @Command(name = "subject", mixinStandardHelpOptions = true,
            description = "Erase a person's agents: those attached to a Letta identity (identity.attached) or created on"
                    + " behalf of a Letta user (agent.created's actor), with their own blocks and archives; an id that"
                    + " names no agents is erased as a subject of its own (a block or an archive, shared ones too).")
    static final class Subject extends Erasing {
        @Parameters(index = "0", paramLabel = "ID", description = "A Letta identity or user id, or a block or archive id.")
        String id;

        @Override
        ErasurePlan plan(Eraser eraser) throws Exception {
            return eraser.planSubject(id);
        }
    }
}
