package dev.agentlog.cdc.internal;

import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.PgLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/** The Debezium embedded engine's configuration for one capture: Postgres connector, pgoutput, offsets in PostgreSQL. */
public final class DebeziumProperties {
    /** The JDBC offset store (debezium-storage-jdbc): the source position survives a redeploy, unlike a file. */
    static final String JDBC_OFFSET_STORE = "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore";
    /** What Debezium puts in place of a value the source did not send (unchanged TOASTed columns). */
    public static final String UNAVAILABLE_PLACEHOLDER = "__debezium_unavailable_value";
    /** Stands in for "no password" where the offset store insists on one. */
    static final String NO_PASSWORD = "-";
    /** URL parameters handed on to the connector's connections (TLS). */
    private static final Set<String> SSL_PARAMETERS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "sslpassword", "sslfactory");

    private DebeziumProperties() {}

    /** Without a heartbeat action (a source without capture's heartbeat table). */
    public static Properties of(CdcSettings settings) {
        return of(settings, null, Map.of());
    }

    /**
     * @param heartbeatAction the statement each heartbeat runs on the source (a write to capture's heartbeat table,
     *                        which capture then reads back); null for none
     * @param surrogateKeys   the key columns of tables without a primary key (see SourceDatabase#surrogateKeys)
     */
    public static Properties of(CdcSettings settings, String heartbeatAction, Map<String, List<String>> surrogateKeys) {
        PgLocation source = settings.source();
        Properties p = new Properties();
        // The name and the topic prefix key the stored position: both follow the slot, so one slot = one position.
        p.setProperty("name", "agentlog-cdc-" + settings.slotName());
        p.setProperty("topic.prefix", "agentlog_cdc_" + settings.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // pgoutput is built into PostgreSQL 10+ and offered by hosted PostgreSQL (Supabase, RDS): no plugin to install.
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("database.hostname", source.host());
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.dbname", source.database());
        putIfPresent(p, "database.user", settings.effectiveSourceUser());
        putIfPresent(p, "database.password", settings.effectiveSourcePassword());
        source.parameters().forEach((name, value) -> {
            if (SSL_PARAMETERS.contains(name)) {
                p.setProperty("database." + name, value);
            }
        });
        p.setProperty("slot.name", settings.slotName());
        p.setProperty("publication.name", settings.publicationName());
        // A publication of exactly the captured tables, created or brought up to date at start (FOR ALL TABLES
        // would need a superuser).
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("schema.include.list", settings.schema());
        p.setProperty("table.exclude.list", String.join(",", excluded(settings)));
        // Secret-bearing columns are dropped as capture reads them: never in a snapshot row, a before- or an
        // after-image, so never in the log (see SensitiveData).
        List<String> columns = settings.sensitiveData().columns().stream()
                .map(c -> settings.schema() + "\\." + c.replace(".", "\\.")).toList();
        if (!columns.isEmpty()) {
            p.setProperty("column.exclude.list", String.join(",", columns));
        }
        if (!surrogateKeys.isEmpty()) {
            // A keyless table's changes would carry no key: its unique columns stand in, so that an insert and the
            // delete of the same row are one row.changed stream.
            p.setProperty("message.key.columns", String.join(";", new java.util.TreeMap<>(surrogateKeys).entrySet().stream()
                    .map(e -> settings.schema() + "." + e.getKey() + ":" + String.join(",", e.getValue())).toList()));
        }
        // A first start reads every existing row, then streams; later starts resume at the stored position.
        p.setProperty("snapshot.mode", "initial");
        // The engine hands over what it has after this long: the floor of commit-to-event latency.
        p.setProperty("poll.interval.ms", Long.toString(settings.pollIntervalMs()));
        // A delete is one delete event; Kafka-compaction tombstones mean nothing on agentlog's topics.
        p.setProperty("tombstones.on.delete", "false");
        // Moves the stored position on while the captured tables are quiet, so the slot releases WAL.
        p.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatIntervalMs()));
        if (heartbeatAction != null && settings.heartbeatIntervalMs() > 0) {
            // A heartbeat alone confirms only positions capture has seen; while Letta's tables are quiet and other
            // databases of the server write, nothing new is seen and the slot holds their WAL. A write to a published
            // table of this database is seen, and moves the confirmed position past all of it.
            p.setProperty("heartbeat.action.query", heartbeatAction);
        }
        p.setProperty("slot.drop.on.stop", Boolean.toString(settings.dropSlotOnStop()));
        // The slot is confirmed only up to a position stored after its events were acknowledged (never by the
        // driver on its own), and a stored position behind a newer slot is an error, not a silent skip.
        p.setProperty("lsn.flush.mode", "connector");
        p.setProperty("offset.mismatch.strategy", "trust_offset");
        p.setProperty("offset.storage", JDBC_OFFSET_STORE);
        p.setProperty("offset.storage.jdbc.connection.url", settings.effectiveOffsetPgUrl());
        putIfPresent(p, "offset.storage.jdbc.connection.user", settings.effectiveOffsetUser());
        // The store refuses to start without a password; a server that trusts the user ignores this one.
        String offsetPassword = settings.effectiveOffsetPassword();
        p.setProperty("offset.storage.jdbc.connection.password",
                offsetPassword == null || offsetPassword.isBlank() ? NO_PASSWORD : offsetPassword);
        p.setProperty("offset.storage.jdbc.table.name", settings.effectiveOffsetTable());
        // How often the acknowledged position is stored (and then confirmed to the slot); 0 = every batch.
        p.setProperty("offset.flush.interval.ms", Long.toString(settings.offsetFlushIntervalMs()));
        // Exact values as text, not Kafka Connect's binary decimals: they go into JSON.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("unavailable.value.placeholder", UNAVAILABLE_PLACEHOLDER);
        return p;
    }

    /** Regular expressions of fully qualified names; the settings allow only [a-z0-9_] in names, the dot is escaped. */
    private static List<String> excluded(CdcSettings settings) {
        List<String> tables = new ArrayList<>();
        tables.add(settings.schema() + "\\." + settings.effectiveOffsetTable());
        settings.excludeTables().forEach(t -> tables.add(settings.schema() + "\\." + t));
        settings.sensitiveData().tables().forEach(t -> tables.add(settings.schema() + "\\." + t));
        return tables;
    }

    private static void putIfPresent(Properties p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.setProperty(key, value);
        }
    }
}
