package dev.agentlog.cdc;

import dev.agentlog.letta.mapping.LettaMapping;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source database's side of capture, in plain SQL: is it ready (wal_level, privilege), what would
 * {@code --setup} change, drop the slot. Every method opens and closes its own connection; error messages name the
 * database ({@code host:port/db}), never a password.
 */
public final class SourceDatabase {
    private static final Logger log = LoggerFactory.getLogger(SourceDatabase.class);
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final CdcSettings settings;
    private final PgLocation location;

    public SourceDatabase(CdcSettings settings) {
        this.settings = settings;
        this.location = settings.source();
    }

    /**
     * Checks what capture cannot do without: {@code wal_level = logical} and a user with the REPLICATION attribute
     * (or a superuser).
     *
     * @throws CdcSourceException naming what is missing and the statement that fixes it
     */
    public void checkReady() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String walLevel = single(s, "SHOW wal_level");
            if (!"logical".equals(walLevel)) {
                throw new CdcSourceException("the source database " + location + " has wal_level = " + walLevel
                        + ", change-data capture needs logical: run ALTER SYSTEM SET wal_level = logical; and restart "
                        + "PostgreSQL (hosted PostgreSQL: turn on logical replication in its settings)");
            }
            String user = single(s, "SELECT current_user");
            String mayReplicate = single(s, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
            if (!"true".equals(mayReplicate)) {
                throw new CdcSourceException("the user " + user + " of the source database " + location
                        + " may not read the replication stream: run ALTER ROLE \"" + user + "\" REPLICATION; as a "
                        + "superuser (or pass --source-pg-user with a user that has it)");
            }
        } catch (SQLException e) {
            throw failure("check", e);
        }
    }

    /**
     * Connects to where the source position is kept, so that a wrong --offset-pg-url fails here with a clear message
     * rather than inside the engine.
     */
    public void checkOffsetStore() {
        try (Connection c = connect(settings.effectiveOffsetPgUrl(), settings.effectiveOffsetUser(),
                settings.effectiveOffsetPassword())) {
            c.isValid(CONNECT_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            throw new CdcSourceException("cannot connect to the store of the source position "
                    + PgLocation.parse(settings.effectiveOffsetPgUrl(), "--offset-pg-url") + " as "
                    + settings.effectiveOffsetUser() + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState()
                    + "; check --offset-pg-url, --offset-pg-user, --offset-pg-password)", e);
        }
    }

    /** The captured tables of the schema and their replica identity ({@code d}efault, {@code f}ull, {@code n}othing, {@code i}ndex). */
    public Map<String, Character> replicaIdentities() {
        try (Connection c = connect()) {
            return replicaIdentities(c);
        } catch (SQLException e) {
            throw failure("read the tables of", e);
        }
    }

    /** Logs what an operator should know before capture starts: the slot holds WAL, deletes may carry only keys. */
    public void warnAtStart() {
        Map<String, Character> identities = replicaIdentities();
        if (identities.isEmpty()) {
            log.warn("[cdc {}] schema {} has no tables to capture (is --schema right? Letta's image uses letta, an "
                    + "external database public)", location, settings.schema());
        }
        List<String> keyOnly = LettaMapping.TYPED_TABLES.stream()
                .filter(t -> identities.containsKey(t) && identities.get(t) != 'f').toList();
        if (!keyOnly.isEmpty()) {
            log.warn("[cdc {}] tables {} have the default replica identity: their deletes carry only the key, and a "
                    + "delete of a message or passage written before this process started may not be attributed "
                    + "to its agent or archive (it then travels as row.changed); agentlog cdc --setup sets REPLICA "
                    + "IDENTITY FULL", location, keyOnly);
        }
        log.warn("[cdc {}] replication slot '{}' keeps the source's WAL until capture confirms it: if you stop "
                + "capturing for good, run agentlog cdc --drop-slot (with the same --source-pg-url and --slot-name), "
                + "or the source's disk fills up", location, settings.slotName());
        if (settings.heartbeatIntervalMs() > 0 && !identities.containsKey(SourceSetup.HEARTBEAT_TABLE)) {
            log.warn("[cdc {}] there is no heartbeat table {}.{}: while Letta's tables are quiet and other databases of "
                    + "this server write, the slot's position does not move and the source keeps their WAL; agentlog "
                    + "cdc --setup creates it", location, settings.schema(), SourceSetup.HEARTBEAT_TABLE);
        }
        SensitiveData sensitive = settings.sensitiveData();
        log.info("[cdc {}] not captured, as they hold secrets or LLM traces: {} (name them in --capture-sensitive to "
                + "capture them)", location, sensitive.describe());
    }

    /**
     * Drops the replication slot (so the source stops keeping WAL for it), the publication and the stored source
     * position (a new slot starts from a new snapshot, never from an old position). What did not exist is skipped.
     *
     * @return what was dropped, one line each
     * @throws CdcSourceException when the slot is in use by a running capture
     */
    public List<String> dropSlot() {
        List<String> dropped = new ArrayList<>();
        try (Connection c = connect()) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, settings.slotName());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        if (rs.getBoolean(1)) {
                            throw new CdcSourceException("replication slot '" + settings.slotName() + "' on " + location
                                    + " is in use (by process " + rs.getInt(2) + " on the source): stop the agentlog cdc "
                                    + "that reads it, then run --drop-slot again");
                        }
                        try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                            drop.setString(1, settings.slotName());
                            drop.execute();
                        }
                        dropped.add("replication slot " + settings.slotName());
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
                s.setString(1, settings.publicationName());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        try (Statement drop = c.createStatement()) {
                            drop.execute("DROP PUBLICATION " + quote(settings.publicationName()));
                        }
                        dropped.add("publication " + settings.publicationName());
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("drop the slot of", e);
        }
        try (Connection c = connect(settings.effectiveOffsetPgUrl(), settings.effectiveOffsetUser(),
                settings.effectiveOffsetPassword()); Statement s = c.createStatement()) {
            if (tableExists(c, settings.effectiveOffsetTable())) {
                s.execute("DROP TABLE " + quote(settings.effectiveOffsetTable()));
                dropped.add("source position table " + settings.effectiveOffsetTable());
            }
        } catch (SQLException e) {
            throw failure("drop the source position table " + settings.effectiveOffsetTable() + " of", e);
        }
        return dropped;
    }

    /** A connection to the source with the capture's credentials. */
    public Connection connect() throws SQLException {
        return connect(settings.sourcePgUrl(), settings.effectiveSourceUser(), settings.effectiveSourcePassword());
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null && !user.isBlank()) {
            props.setProperty("user", user);
        }
        if (password != null && !password.isBlank()) {
            props.setProperty("password", password);
        }
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "agentlog-cdc");
        return DriverManager.getConnection(url, props);
    }

    /** A captured table: its replica identity ({@code d}efault, {@code f}ull, {@code n}othing, {@code i}ndex) and key. */
    record TableInfo(String name, char identity, boolean hasPrimaryKey) {
        /** Whether UPDATE and DELETE on it can be published: PostgreSQL refuses them on a published table without. */
        boolean hasIdentity() {
            return identity == 'f' || identity == 'i' || (identity == 'd' && hasPrimaryKey);
        }
    }

    private Map<String, Character> replicaIdentities(Connection c) throws SQLException {
        Map<String, Character> out = new LinkedHashMap<>();
        tables(c).forEach(t -> out.put(t.name(), t.identity()));
        return out;
    }

    /** The captured tables of the schema, the heartbeat table included (it is published like them). */
    List<TableInfo> tables(Connection c) throws SQLException {
        List<TableInfo> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT c.relname, c.relreplident, EXISTS (SELECT 1 FROM pg_index i "
                + "WHERE i.indrelid = c.oid AND i.indisprimary) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind IN ('r', 'p') "
                + "AND NOT c.relispartition ORDER BY c.relname")) {
            s.setString(1, settings.schema());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    if (captured(table) || table.equals(SourceSetup.HEARTBEAT_TABLE)) {
                        out.add(new TableInfo(table, rs.getString(2).charAt(0), rs.getBoolean(3)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether capture maps this table of the schema: not excluded (by --exclude-tables or as sensitive), and not one
     * of capture's own tables (the position; the heartbeat table is published but its changes are not mapped).
     */
    boolean captured(String table) {
        return !settings.excludeTables().contains(table) && !table.equals(settings.effectiveOffsetTable())
                && !settings.sensitiveData().tables().contains(table) && !table.equals(SourceSetup.HEARTBEAT_TABLE);
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        return relationExists(c, quote(table));
    }

    static boolean tableExists(Connection c, String schema, String table) throws SQLException {
        return relationExists(c, quote(schema) + "." + quote(table));
    }

    private static boolean relationExists(Connection c, String quotedName) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, quotedName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    CdcSourceException failure(String what, SQLException e) {
        return new CdcSourceException("cannot " + what + " the source database " + location + " as "
                + settings.effectiveSourceUser() + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState()
                + "; check --source-pg-url, --source-pg-user, --source-pg-password)", e);
    }
}
