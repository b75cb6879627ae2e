package dev.agentlog.app.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/** The server settings every local PostgreSQL runs with, whichever binaries start it. */
final class PostgresServerSettings {
    static final String SUPERUSER = "postgres";
    static final String DATABASE = "postgres";

    private PostgresServerSettings() {
    }

    static Map<String, String> all() {
        Map<String, String> settings = new LinkedHashMap<>();
        // An acknowledged commit must be on disk: zonky's default is off.
        settings.put("synchronous_commit", "on");
        // zonky passes -F (fsync off); this later -c wins and turns it back on.
        settings.put("fsync", "on");
        // Torn-page protection after an OS crash.
        settings.put("full_page_writes", "on");
        // Lets change-data-capture (logical decoding, e.g. Debezium) read the WAL.
        settings.put("wal_level", "logical");
        // Room for a few replication clients and their slots.
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        // Loopback only: the cluster uses trust authentication, which is only acceptable on this machine.
        settings.put("listen_addresses", LocalPorts.LOOPBACK);
        // No Unix socket (in /tmp by default) to clash with a system server; JDBC connects over TCP.
        settings.put("unix_socket_directories", "''");
        // Same result on every machine, whatever its time zone (zonky's choice too).
        settings.put("timezone", "UTC");
        // PostgreSQL's own default; zonky raises it to 300, which only costs memory here.
        settings.put("max_connections", "100");
        return settings;
    }

    /** The settings as postgres command-line options: {@code -c name=value ...}. */
    static String asCommandLineOptions() {
        StringBuilder options = new StringBuilder();
        all().forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        return options.toString().strip();
    }
}
