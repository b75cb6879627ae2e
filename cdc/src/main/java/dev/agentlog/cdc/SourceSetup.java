package dev.agentlog.cdc;

import dev.agentlog.letta.mapping.LettaMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What capture needs of the source before it reads it, and what {@code --setup} does about it, with the operator's
 * consent: replica identities (without one, a published table refuses Letta's own updates and deletes), the
 * heartbeat table (the slot's position moves on while Letta is quiet), the publication, and the unique columns that
 * key a table without a primary key. Every method opens and closes its own connection.
 */
public final class SourceSetup {
    private static final Logger log = LoggerFactory.getLogger(SourceSetup.class);
    /** Capture's heartbeat table in the captured schema: one row per slot, written at every heartbeat. */
    public static final String HEARTBEAT_TABLE = "agentlog_cdc_heartbeat";

    private final CdcSettings settings;
    private final SourceDatabase source;
    private final PgLocation location;

    public SourceSetup(CdcSettings settings) {
        this.settings = settings;
        this.source = new SourceDatabase(settings);
        this.location = settings.source();
    }

    /**
     * One statement of {@code --setup}. A {@code required} one protects the source: without it, capture would make a
     * write of Letta's fail, so capture refuses to start until it has run.
     */
    public record SetupStep(String sql, boolean required, String why) {}

    /**
     * What {@code --setup} runs, in order; empty when there is nothing to do.
     * <ol>
     *   <li>Required: a replica identity for every captured table that has none (no primary key and the default
     *       identity, or NOTHING). PostgreSQL refuses UPDATE and DELETE on such a table once a publication that
     *       publishes them includes it: Letta's final schema has three ({@code blocks_agents}, {@code tools_agents},
     *       {@code agents_tags}), and detaching a block, renaming a block's label and deleting an agent would fail.
     *       FULL, not USING INDEX: their deletes then carry the whole row, which names the agent and the block.</li>
     *   <li>REPLICA IDENTITY FULL for Letta's typed tables: deletes carry the whole row, updates their
     *       before-image and the unchanged out-of-line values (see docs/cdc.md).</li>
     *   <li>The heartbeat table ({@value #HEARTBEAT_TABLE}): capture writes to it every heartbeat, so the slot's
     *       confirmed position moves on while Letta's tables are quiet and the rest of the server is busy.</li>
     *   <li>The publication of the captured tables, when it does not exist yet.</li>
     * </ol>
     */
    public List<SetupStep> setupPlan() {
        try (Connection c = source.connect()) {
            List<SourceDatabase.TableInfo> tables = source.tables(c);
            List<SetupStep> steps = new ArrayList<>();
            for (SourceDatabase.TableInfo table : tables) {
                if (!table.hasIdentity()) {
                    steps.add(new SetupStep(alterIdentity(table.name()), true, table.name() + " has no primary key: "
                            + "without a replica identity, Letta's UPDATE and DELETE on it fail once it is published"));
                }
            }
            for (SourceDatabase.TableInfo table : tables) {
                if (table.hasIdentity() && table.identity() != 'f' && LettaMapping.TYPED_TABLES.contains(table.name())) {
                    steps.add(new SetupStep(alterIdentity(table.name()), false, "deletes of " + table.name()
                            + " carry the whole row, updates their before-image"));
                }
            }
            boolean heartbeatMissing = !SourceDatabase.tableExists(c, settings.schema(), HEARTBEAT_TABLE);
            if (heartbeatMissing) {
                steps.add(new SetupStep("CREATE TABLE " + heartbeatTable() + " (slot_name text PRIMARY KEY, "
                        + "beat_at timestamptz NOT NULL)", false, "the slot's position moves on while Letta is quiet"));
            }
            if (!publicationExists(c) && !tables.isEmpty()) {
                List<String> published = new ArrayList<>(tables.stream().map(SourceDatabase.TableInfo::name).toList());
                if (heartbeatMissing) {
                    published.add(HEARTBEAT_TABLE);
                }
                steps.add(new SetupStep("CREATE PUBLICATION " + SourceDatabase.quote(settings.publicationName()) + " FOR TABLE "
                        + String.join(", ", published.stream().sorted().map(t -> SourceDatabase.quote(settings.schema()) + "." + SourceDatabase.quote(t))
                        .toList()), false, "the captured tables, and only those"));
            }
            return steps;
        } catch (SQLException e) {
            throw source.failure("plan the setup of", e);
        }
    }

    /** The statements of {@link #setupPlan()}. */
    public List<String> setupStatements() {
        return setupPlan().stream().map(SetupStep::sql).toList();
    }

    /**
     * Refuses to capture a source that capture would harm: a captured table without a replica identity makes
     * Letta's own UPDATE and DELETE on it fail as soon as the publication includes it.
     *
     * @throws CdcSourceException naming the tables and the statements that fix them
     */
    public void checkSafe() {
        List<SetupStep> required = setupPlan().stream().filter(SetupStep::required).toList();
        if (!required.isEmpty()) {
            throw new CdcSourceException("capture of " + location + " would make Letta's own writes fail: "
                    + String.join("; ", required.stream().map(SetupStep::why).toList()) + ". Nothing was started. Run "
                    + "agentlog cdc --setup (it shows the statements and asks), or run as the tables' owner: "
                    + String.join(" ", required.stream().map(step -> step.sql() + ";").toList())
                    + " (or leave the tables out with --exclude-tables)");
        }
    }

    /**
     * For each captured table without a primary key, the columns of a unique index that can stand in for one (not
     * partial, every column NOT NULL): Letta's keyless tables each have one ({@code unique_agent_block},
     * {@code unique_agent_tool}, {@code unique_agent_tag}). Their changes are then keyed by those columns, so that a
     * row's insert and its delete name the same {@code row.changed} stream.
     */
    public Map<String, List<String>> surrogateKeys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (Connection c = source.connect();
             PreparedStatement s = c.prepareStatement("SELECT DISTINCT ON (t.relname) t.relname, "
                     + "array_agg(a.attname::text ORDER BY k.ord) FROM pg_index i "
                     + "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
                     + "JOIN pg_class ix ON ix.oid = i.indexrelid "
                     + "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
                     + "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
                     + "WHERE n.nspname = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL "
                     + "AND NOT EXISTS (SELECT 1 FROM pg_index p WHERE p.indrelid = t.oid AND p.indisprimary) "
                     + "GROUP BY t.relname, ix.relname HAVING bool_and(a.attnotnull) ORDER BY t.relname, ix.relname")) {
            s.setString(1, settings.schema());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (source.captured(rs.getString(1))) {
                        keys.put(rs.getString(1), List.of((String[]) rs.getArray(2).getArray()));
                    }
                }
            }
        } catch (SQLException e) {
            throw source.failure("read the unique keys of", e);
        }
        return keys;
    }

    /** Whether the heartbeat table exists: then every heartbeat writes to it and capture sees the write. */
    public boolean heartbeatTableExists() {
        try (Connection c = source.connect()) {
            return SourceDatabase.tableExists(c, settings.schema(), HEARTBEAT_TABLE);
        } catch (SQLException e) {
            throw source.failure("look for the heartbeat table of", e);
        }
    }

    /** The statement each heartbeat runs (Debezium's heartbeat.action.query): one row per slot, upserted. */
    public String heartbeatStatement() {
        return "INSERT INTO " + heartbeatTable() + " (slot_name, beat_at) VALUES ('" + settings.slotName()
                + "', now()) ON CONFLICT (slot_name) DO UPDATE SET beat_at = excluded.beat_at";
    }

    private String heartbeatTable() {
        return SourceDatabase.quote(settings.schema()) + "." + SourceDatabase.quote(HEARTBEAT_TABLE);
    }

    private String alterIdentity(String table) {
        return "ALTER TABLE " + SourceDatabase.quote(settings.schema()) + "." + SourceDatabase.quote(table) + " REPLICA IDENTITY FULL";
    }

    private boolean publicationExists(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, settings.publicationName());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Runs {@code statements} (from {@link #setupStatements()}) in one transaction: all or none. */
    public void apply(List<String> statements) {
        try (Connection c = source.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                    log.info("[cdc {}] {}", location, sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw source.failure("set up", e);
        }
    }
}
