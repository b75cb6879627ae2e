package dev.agentlog.app.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the embedded broker, the local PostgreSQL and the processor's state live across restarts. */
public final class DataDirOption {
    @Option(names = "--data-dir", defaultValue = ".agentlog", paramLabel = "DIR",
            description = "Data directory of the embedded broker, the local PostgreSQL and the processor's state stores; kept across restarts.")
    public Path dataDir;
}
