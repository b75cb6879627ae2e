package dev.agentlog.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The commands that give the log's state back to Letta in Letta's own form (docs/letta.md). */
@Command(name = "letta", mixinStandardHelpOptions = true,
        description = "Give an agent back to a Letta database: restore it as it was at an instant.",
        subcommands = {LettaRestoreCommand.class})
public final class LettaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
