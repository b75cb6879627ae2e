package dev.agentlog.app.cli;

import dev.agentlog.privacy.KeyEncryptionKey;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The key-encryption key of crypto-shredding (docs/privacy.md). */
@Command(name = "kek", mixinStandardHelpOptions = true,
        description = "Manage the key-encryption key (--kek-file) that wraps the subjects' data keys (docs/privacy.md).",
        subcommands = {KekCommand.Create.class})
public final class KekCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Write a new key-encryption key (a Tink AES-256-GCM keyset, JSON) to FILE, readable by its"
                    + " owner only. Never overwrites a file: the data keys wrapped by the old key would be lost. Keep a"
                    + " copy where the database's backups are not.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "Where to write the key (must not exist).")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (java.nio.file.Files.exists(file)) {
                throw new IllegalArgumentException(file + " exists: a key-encryption key is never overwritten (the data"
                        + " keys it wraps would be lost); choose another file");
            }
            KeyEncryptionKey.create(file);
            spec.commandLine().getOut().println("wrote a new key-encryption key to " + file
                    + " (mode 600); start every part with --kek-file " + file);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
