package dev.agentlog.sink.replay;

import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schemas a rebuild leaves behind: {@code <live>_old_<yyyyMMdd_HHmmss>} (the tables the swap replaced,
 * kept until told) and {@code <live>_rebuild} (an interrupted rebuild's shadow). Only these may be dropped
 * through here: a typo cannot drop the live schema or anything else.
 */
public final class OldSchemas {
    private static final Logger log = LoggerFactory.getLogger(OldSchemas.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    /** {@code _old_} and a {@code yyyyMMdd_HHmmss} stamp. */
    static final int SUFFIX_CHARS = "_old_".length() + "yyyyMMdd_HHmmss".length();

    private OldSchemas() {}

    /** The name the live schema gets when the swap replaces it at {@code now} (UTC). */
    public static String nameFor(String liveSchema, Instant now) {
        return liveSchema + "_old_" + STAMP.format(now);
    }

    /** The old and shadow schemas of this live schema that exist, sorted by name (oldest first). */
    public static List<String> list(DataSource dataSource, String liveSchema) throws SQLException {
        SinkSettings.defaults().withSchema(liveSchema);
        List<String> found = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT nspname FROM pg_namespace ORDER BY nspname");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (isLeftOver(liveSchema, name)) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /**
     * Drops an old or shadow schema of this live schema, with its tables.
     *
     * @throws IllegalArgumentException when {@code schema} is not one ({@code <live>_old_<stamp>} or
     *     {@code <live>_rebuild}), or does not exist
     */
    public static void drop(DataSource dataSource, String liveSchema, String schema) throws SQLException {
        if (!isLeftOver(liveSchema, schema)) {
            throw new IllegalArgumentException("--drop takes a schema left by a rebuild of " + liveSchema + " ("
                    + liveSchema + "_old_<yyyyMMdd_HHmmss> or " + liveSchema + RebuildSettings.SHADOW_SUFFIX
                    + "), was '" + schema + "'; list them with `agentlog rebuild --list-old`");
        }
        try (Connection c = dataSource.getConnection()) {
            if (!SchemaSwap.exists(c, schema)) {
                throw new IllegalArgumentException("--drop: schema " + schema + " does not exist; list the schemas left"
                        + " by rebuilds with `agentlog rebuild --list-old`");
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + Sql.quote(schema) + " CASCADE");
            }
        }
        log.info("[rebuild {}] dropped schema {}", liveSchema, schema);
    }

    static boolean isLeftOver(String liveSchema, String schema) {
        if (schema == null) {
            return false;
        }
        return schema.equals(liveSchema + RebuildSettings.SHADOW_SUFFIX)
                || Pattern.matches(Pattern.quote(liveSchema) + "_old_\\d{8}_\\d{6}", schema);
    }
}
