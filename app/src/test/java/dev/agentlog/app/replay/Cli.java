package dev.agentlog.app.replay;

import dev.agentlog.app.Main;
import dev.agentlog.app.cli.ExportCommand;
import dev.agentlog.app.cli.HistoryCommand;
import dev.agentlog.app.cli.ImportCommand;
import dev.agentlog.app.cli.RebuildCommand;
import dev.agentlog.app.cli.StateCommand;
import dev.agentlog.app.cli.VerifyCommand;
import dev.agentlog.app.e2e.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Runs the agentlog CLI in-process like {@link CliRun}, with the replay commands present whether or not
 * {@link Main} registers them yet.
 */
final class Cli {
    private Cli() {}

    static CliRun run(String... args) {
        CommandLine cli = Main.commandLine(Map.of());
        add(cli, "rebuild", RebuildCommand::new);
        add(cli, "verify", VerifyCommand::new);
        add(cli, "state", StateCommand::new);
        add(cli, "history", HistoryCommand::new);
        add(cli, "export", ExportCommand::new);
        add(cli, "import", ImportCommand::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    private static void add(CommandLine cli, String name, Supplier<Object> command) {
        if (!cli.getSubcommands().containsKey(name)) {
            cli.addSubcommand(name, new CommandLine(command.get()));
        }
    }
}
