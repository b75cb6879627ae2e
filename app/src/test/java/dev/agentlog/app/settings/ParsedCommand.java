package dev.agentlog.app.settings;

import dev.agentlog.app.cli.EnvironmentDefaults;
import java.util.Map;
import picocli.CommandLine;

/** A command of a test with its settings registered, parsed from arguments and an environment, and resolved. */
public final class ParsedCommand {
    private ParsedCommand() {}

    /** @throws SettingsException as the CLI would report it */
    public static <T> T resolve(T command, Map<String, String> environment, String... args) {
        CommandLine cli = new CommandLine(command);
        Settings.register(cli);
        cli.setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(args);
        Settings.resolve(command, cli.getCommandName());
        return command;
    }
}
