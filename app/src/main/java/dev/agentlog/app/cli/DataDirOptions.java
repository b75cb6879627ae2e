package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import java.nio.file.Path;

/** Where the embedded broker, the local PostgreSQL and the processor's state live across restarts. */
public final class DataDirOptions extends SettingGroup {
    public static final Setting<Path> DATA_DIR = Setting.path("data-dir").defaultsTo(Path.of(".agentlog")).label("DIR")
            .doc("Data directory of the embedded broker, the local PostgreSQL and the processor's state stores; kept across restarts.");

    public DataDirOptions() {
        super(DATA_DIR);
    }

    /** The data directory, absolute. */
    public Path dataDir() {
        return get(DATA_DIR).toAbsolutePath();
    }
}
