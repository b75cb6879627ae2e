package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import java.nio.file.Path;

/** How `up` starts a PostgreSQL of its own when --pg-url is not set. */
public final class LocalPostgresOptions extends SettingGroup {
    public static final Setting<Integer> PG_PORT = Setting.port("pg-port").defaultsTo(15432).check(Check.between(0, 65_535))
            .doc("Port of the local PostgreSQL that `up` starts when --pg-url is not set.");
    public static final Setting<Path> PG_BIN_DIR = Setting.path("pg-bin-dir").label("DIR")
            .doc("PostgreSQL server binaries (initdb, pg_ctl) for the local PostgreSQL when the bundled one cannot run. Default: the bundled binaries, then /usr/lib/postgresql/*/bin.");

    public LocalPostgresOptions() {
        super(PG_PORT, PG_BIN_DIR);
    }
}
