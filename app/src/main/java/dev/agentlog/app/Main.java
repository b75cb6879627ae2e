package dev.agentlog.app;

import dev.agentlog.app.cli.ApiKeyCommand;
import dev.agentlog.app.cli.EraseCommand;
import dev.agentlog.app.cli.KekCommand;
import dev.agentlog.app.cli.LettaCommand;
import dev.agentlog.app.cli.BenchCommand;
import dev.agentlog.app.cli.BrokerCommand;
import dev.agentlog.app.cli.CdcCommand;
import dev.agentlog.app.cli.DlqCommand;
import dev.agentlog.app.cli.ExportCommand;
import dev.agentlog.app.cli.HistoryCommand;
import dev.agentlog.app.cli.ImportCommand;
import dev.agentlog.app.cli.MigrateCommand;
import dev.agentlog.app.cli.PgRolesCommand;
import dev.agentlog.app.cli.RebuildCommand;
import dev.agentlog.app.cli.SnapshotCommand;
import dev.agentlog.app.cli.StateCommand;
import dev.agentlog.app.cli.VerifyCommand;
import dev.agentlog.app.cli.EnvironmentDefaults;
import dev.agentlog.app.cli.ExitCodes;
import dev.agentlog.app.cli.IngestCommand;
import dev.agentlog.app.cli.ProcessorCommand;
import dev.agentlog.app.cli.SettingsTableCommand;
import dev.agentlog.app.cli.SinkCommand;
import dev.agentlog.app.cli.UpCommand;
import dev.agentlog.app.runtime.LocalServiceStartException;
import dev.agentlog.app.settings.Settings;
import dev.agentlog.app.settings.SettingsException;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The agentlog command line. Every option can also be set as AGENTLOG_<OPTION> in the environment. */
@Command(name = "agentlog", mixinStandardHelpOptions = true, version = "agentlog 0.1.0",
        description = "An event log for AI-agent state: events in over HTTP, a Kafka log of record, PostgreSQL projections effectively once.%n"
                + "Every option can also be set in the environment: --pg-url is AGENTLOG_PG_URL.",
        subcommands = {UpCommand.class, BrokerCommand.class, IngestCommand.class, ProcessorCommand.class,
                SinkCommand.class, CdcCommand.class, DlqCommand.class, RebuildCommand.class, VerifyCommand.class,
                SnapshotCommand.class, StateCommand.class, HistoryCommand.class, ExportCommand.class, ImportCommand.class, MigrateCommand.class,
                PgRolesCommand.class, BenchCommand.class, ApiKeyCommand.class, KekCommand.class, EraseCommand.class, LettaCommand.class,
                SettingsTableCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Main());
        Settings.register(cli);
        cli.setDefaultValueProvider(new EnvironmentDefaults(environment));
        cli.setExecutionStrategy(Main::execute);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                // A bad setting: nothing was started. The message names the option.
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": "
                        + Secrets.maskJdbcUrl(e.getMessage()));
                return ExitCodes.USAGE;
            }
            if (e instanceof LocalServiceStartException || e instanceof IllegalStateException) {
                commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName(" ") + ": "
                        + Secrets.maskJdbcUrl(e.getMessage()));
                return ExitCodes.FAILURE;
            }
            throw e;
        });
        return cli;
    }

    /**
     * Runs the command after every one of its settings was read and checked: a bad setting stops it before it starts
     * anything, with every problem named at once (exit code 2).
     */
    private static int execute(CommandLine.ParseResult parseResult) {
        Integer help = CommandLine.executeHelpRequest(parseResult);
        if (help != null) {
            return help;
        }
        CommandLine command = parseResult.asCommandLineList().get(parseResult.asCommandLineList().size() - 1);
        try {
            Settings.resolve(command.getCommand(), command.getCommandSpec().qualifiedName(" "));
        } catch (SettingsException e) {
            e.problems().forEach(problem -> command.getErr().println(command.getCommandSpec().qualifiedName(" ") + ": "
                    + problem));
            command.getErr().flush();
            return ExitCodes.USAGE;
        }
        return new CommandLine.RunLast().execute(parseResult);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
