package dev.agentlog.cdc;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How {@link LettaCdc} reads a Letta database. Immutable; the compact constructor reports every problem at once,
 * named by its command-line option. {@link #toString()} masks the passwords.
 *
 * @param sourcePgUrl           the Letta database, {@code jdbc:postgresql://host:port/database} ({@code --source-pg-url});
 *                              a direct connection, not a transaction pooler: replication needs one
 * @param sourceUser            its user, with the REPLICATION attribute ({@code --source-pg-user}; else the URL's)
 * @param sourcePassword        its password ({@code --source-pg-password}; else the URL's)
 * @param schema                the schema of Letta's tables: {@code public} (an external database such as Supabase, the
 *                              default) or {@code letta} (Letta's own image) ({@code --schema})
 * @param slotName              the replication slot, which holds the source's WAL until capture confirms it
 *                              ({@code --slot-name}, default {@value #DEFAULT_SLOT_NAME})
 * @param publicationName       the publication of the captured tables ({@code --publication-name}, default
 *                              {@value #DEFAULT_PUBLICATION_NAME})
 * @param offsetPgUrl           where the source position is kept ({@code --offset-pg-url}; null = the source database)
 * @param offsetUser            its user (null = the source user)
 * @param offsetPassword        its password (null = the source password)
 * @param offsetTable           the table of the source position, created when missing; one per capture
 *                              ({@code --offset-table}, default {@value #DEFAULT_OFFSET_TABLE}_{@code <slot>})
 * @param pollIntervalMs        how long the engine waits for more changes before it hands over a batch: the floor of
 *                              commit-to-event latency ({@code --poll-interval-ms}, default {@value #DEFAULT_POLL_INTERVAL_MS})
 * @param offsetFlushIntervalMs how often the acknowledged position is written and confirmed to the slot; 0 = after
 *                              every batch ({@code --offset-flush-interval-ms}, default {@value #DEFAULT_OFFSET_FLUSH_INTERVAL_MS})
 * @param heartbeatIntervalMs   how often the position moves on while the captured tables are quiet, so the slot
 *                              releases WAL; 0 = never ({@code --heartbeat-interval-ms}, default {@value #DEFAULT_HEARTBEAT_INTERVAL_MS})
 * @param excludeTables         tables of the schema not to capture ({@code --exclude-tables})
 * @param dropSlotOnStop        drop the slot when capture stops in order (tests; a production capture keeps it)
 * @param captureSensitive      names of {@link SensitiveData#DEFAULTS} to capture all the same ({@code --capture-sensitive})
 * @param walWarnBytes          WAL held by the slot past which capture warns at every report ({@code --wal-warn-bytes},
 *                              default {@value #DEFAULT_WAL_WARN_BYTES}; 0 = never)
 * @param walReportIntervalMs   how often the WAL the slot holds is logged ({@code --wal-report-interval-ms}, default
 *                              {@value #DEFAULT_WAL_REPORT_INTERVAL_MS}; 0 = never)
 */
public record CdcSettings(String sourcePgUrl, String sourceUser, String sourcePassword, String schema,
        String slotName, String publicationName, String offsetPgUrl, String offsetUser, String offsetPassword,
        String offsetTable, long pollIntervalMs, long offsetFlushIntervalMs, long heartbeatIntervalMs,
        List<String> excludeTables, boolean dropSlotOnStop, List<String> captureSensitive, long walWarnBytes,
        long walReportIntervalMs) {

    public static final String DEFAULT_SCHEMA = "public";
    public static final String DEFAULT_SLOT_NAME = "agentlog";
    public static final String DEFAULT_PUBLICATION_NAME = "agentlog";
    public static final String DEFAULT_OFFSET_TABLE = "agentlog_cdc_offsets";
    public static final long DEFAULT_POLL_INTERVAL_MS = 50;
    public static final long DEFAULT_OFFSET_FLUSH_INTERVAL_MS = 1_000;
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
    public static final long DEFAULT_WAL_WARN_BYTES = 1L << 30;
    public static final long DEFAULT_WAL_REPORT_INTERVAL_MS = 60_000;

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** PostgreSQL's rule for slot names: lower-case letters, digits, underscore. */
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    public CdcSettings {
        excludeTables = excludeTables == null ? List.of() : List.copyOf(excludeTables);
        captureSensitive = captureSensitive == null ? List.of() : List.copyOf(captureSensitive);
        List<String> problems = new ArrayList<>(SensitiveData.problems(captureSensitive));
        try {
            PgLocation.parse(sourcePgUrl, "--source-pg-url");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (offsetPgUrl != null && !offsetPgUrl.isBlank()) {
            try {
                PgLocation.parse(offsetPgUrl, "--offset-pg-url");
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        identifier(problems, "--schema", schema, IDENTIFIER, "a lower-case SQL identifier such as public or letta");
        identifier(problems, "--slot-name", slotName, SLOT_NAME, "1..63 of [a-z0-9_]");
        identifier(problems, "--publication-name", publicationName, IDENTIFIER, "a lower-case SQL identifier");
        if (offsetTable != null) {
            identifier(problems, "--offset-table", offsetTable, IDENTIFIER, "a lower-case SQL identifier");
        }
        for (String table : excludeTables) {
            identifier(problems, "--exclude-tables", table, IDENTIFIER, "lower-case table names, comma-separated");
        }
        if (pollIntervalMs < 1 || pollIntervalMs > 60_000) {
            problems.add("--poll-interval-ms must be 1..60000, was " + pollIntervalMs);
        }
        if (offsetFlushIntervalMs < 0) {
            problems.add("--offset-flush-interval-ms must be >= 0, was " + offsetFlushIntervalMs);
        }
        if (heartbeatIntervalMs < 0) {
            problems.add("--heartbeat-interval-ms must be >= 0, was " + heartbeatIntervalMs);
        }
        if (walWarnBytes < 0) {
            problems.add("--wal-warn-bytes must be >= 0, was " + walWarnBytes);
        }
        if (walReportIntervalMs < 0) {
            problems.add("--wal-report-interval-ms must be >= 0, was " + walReportIntervalMs);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The defaults, reading the Letta database at {@code sourcePgUrl} with the URL's credentials. */
    public static CdcSettings defaults(String sourcePgUrl) {
        return new CdcSettings(sourcePgUrl, null, null, DEFAULT_SCHEMA, DEFAULT_SLOT_NAME, DEFAULT_PUBLICATION_NAME,
                null, null, null, null, DEFAULT_POLL_INTERVAL_MS, DEFAULT_OFFSET_FLUSH_INTERVAL_MS,
                DEFAULT_HEARTBEAT_INTERVAL_MS, List.of(), false, List.of(), DEFAULT_WAL_WARN_BYTES,
                DEFAULT_WAL_REPORT_INTERVAL_MS);
    }

    public CdcSettings withCredentials(String user, String password) {
        return new CdcSettings(sourcePgUrl, user, password, schema, slotName, publicationName, offsetPgUrl, offsetUser,
                offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs, excludeTables,
                dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withSchema(String value) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, value, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                excludeTables, dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withSlot(String slot, String publication) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slot, publication, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                excludeTables, dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withOffsets(String url, String user, String password, String table) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, url, user,
                password, table, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs, excludeTables,
                dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withIntervals(long pollMs, long offsetFlushMs, long heartbeatMs) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollMs, offsetFlushMs, heartbeatMs, excludeTables,
                dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withExcludeTables(List<String> tables) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                tables, dropSlotOnStop, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withDropSlotOnStop(boolean value) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                excludeTables, value, captureSensitive, walWarnBytes,
                walReportIntervalMs);
    }

    public CdcSettings withCaptureSensitive(List<String> names) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                excludeTables, dropSlotOnStop, names, walWarnBytes, walReportIntervalMs);
    }

    public CdcSettings withWalWatch(long warnBytes, long reportIntervalMs) {
        return new CdcSettings(sourcePgUrl, sourceUser, sourcePassword, schema, slotName, publicationName, offsetPgUrl,
                offsetUser, offsetPassword, offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs,
                excludeTables, dropSlotOnStop, captureSensitive, warnBytes, reportIntervalMs);
    }

    /** The secret-bearing columns and tables this capture leaves out. */
    public SensitiveData sensitiveData() {
        return SensitiveData.excluding(captureSensitive);
    }

    public PgLocation source() {
        return PgLocation.parse(sourcePgUrl, "--source-pg-url");
    }

    /** The source database's name; events say {@code source = cdc:<database>}. */
    public String database() {
        return source().database();
    }

    /** The user of the source: the option, else the URL's. */
    public String effectiveSourceUser() {
        return blank(sourceUser) ? source().urlUser() : sourceUser;
    }

    public String effectiveSourcePassword() {
        return blank(sourcePassword) ? source().urlPassword() : sourcePassword;
    }

    public String effectiveOffsetPgUrl() {
        return blank(offsetPgUrl) ? sourcePgUrl : offsetPgUrl;
    }

    public String effectiveOffsetUser() {
        if (!blank(offsetUser)) {
            return offsetUser;
        }
        return blank(offsetPgUrl) ? effectiveSourceUser() : PgLocation.parse(offsetPgUrl, "--offset-pg-url").urlUser();
    }

    public String effectiveOffsetPassword() {
        if (!blank(offsetPassword)) {
            return offsetPassword;
        }
        return blank(offsetPgUrl) ? effectiveSourcePassword()
                : PgLocation.parse(offsetPgUrl, "--offset-pg-url").urlPassword();
    }

    public String effectiveOffsetTable() {
        if (offsetTable != null) {
            return offsetTable;
        }
        String derived = DEFAULT_OFFSET_TABLE + "_" + slotName;
        // PostgreSQL cuts longer identifiers to 63 bytes; the store would not find its table under the long name
        return derived.length() > 63 ? derived.substring(0, 63) : derived;
    }

    /** Settings as they may be logged: locations and names, passwords masked. */
    @Override
    public String toString() {
        return "CdcSettings[source=" + source() + ", user=" + effectiveSourceUser() + ", schema=" + schema
                + ", slot=" + slotName + ", publication=" + publicationName + ", offsets="
                + PgLocation.parse(effectiveOffsetPgUrl(), "--offset-pg-url") + "/" + effectiveOffsetTable()
                + ", pollIntervalMs=" + pollIntervalMs + ", offsetFlushIntervalMs=" + offsetFlushIntervalMs
                + ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", excludeTables=" + excludeTables
                + ", dropSlotOnStop=" + dropSlotOnStop + ", captureSensitive=" + captureSensitive
                + ", walWarnBytes=" + walWarnBytes + ", walReportIntervalMs=" + walReportIntervalMs + ", passwords=****]";
    }

    private static void identifier(List<String> problems, String option, String value, Pattern rule, String what) {
        if (value == null || !rule.matcher(value).matches()) {
            problems.add(option + " must be " + what + ", was '" + value + "'");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
