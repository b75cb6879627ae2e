package dev.agentlog.app.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What agentlog gives back to Letta, in Letta's own forms (docs/letta.md). */
@Command(name = "letta", mixinStandardHelpOptions = true,
        description = "Give agents back to Letta in its own forms: restore one into a Letta database as it was at an"
                + " instant, or export and import Letta's Agent File.",
        subcommands = {LettaRestoreCommand.class, LettaExportCommand.class, LettaImportCommand.class})
public final class LettaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
