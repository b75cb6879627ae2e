package dev.agentlog.app.runtime;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server settings every local PostgreSQL runs with, whichever binaries start it. */
final class PostgresServerSettings {
    static final String SUPERUSER = "postgres";
    static final String DATABASE = "postgres";

    private PostgresServerSettings() {
    }

    static Map<String, String> all() {
        return all(null);
    }

    /** As {@link #all()}, listening on {@code alsoListenOn} as well when it is not null (a private test network). */
    static Map<String, String> all(String alsoListenOn) {
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
        settings.put("listen_addresses", LocalPorts.LOOPBACK + (alsoListenOn == null ? "" : "," + alsoListenOn));
        // No Unix socket (in /tmp by default) to clash with a system server; JDBC connects over TCP.
        settings.put("unix_socket_directories", "''");
        // Same result on every machine, whatever its time zone (zonky's choice too).
        settings.put("timezone", "UTC");
        // PostgreSQL's own default; zonky raises it to 300, which only costs memory here.
        settings.put("max_connections", "100");
        // The default 128MB is sized for any machine, not for this workload: with it, the random inserts of the events
        // and messages keys evict and write back index pages all the time (a 1M-event rebuild measured 41-44 s at
        // 128MB, 36 s at 1GB, docs/benchmarks.md). PostgreSQL's own advice is a quarter of the memory.
        settings.put("shared_buffers", sharedBuffersMb(physicalMemoryBytes()) + "MB");
        // Bulk writes (a rebuild, a sink catching up) otherwise checkpoint every 1GB of WAL, and each checkpoint makes
        // the next change of every page write the whole page to the WAL again.
        settings.put("max_wal_size", "4GB");
        return settings;
    }

    /** A quarter of the machine's memory, at least PostgreSQL's default of 128MB, at most 1GB (a local server). */
    static long sharedBuffersMb(long physicalMemoryBytes) {
        long quarterMb = physicalMemoryBytes / 4 / (1024 * 1024);
        return Math.max(128, Math.min(1024, quarterMb));
    }

    private static long physicalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0; // unknown: the minimum
    }

    /** The settings as postgres command-line options: {@code -c name=value ...}. */
    static String asCommandLineOptions(String alsoListenOn) {
        StringBuilder options = new StringBuilder();
        all(alsoListenOn).forEach((name, value) -> options.append(" -c ").append(name).append('=').append(value));
        return options.toString().strip();
    }
}
