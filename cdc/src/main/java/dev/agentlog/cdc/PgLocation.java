package dev.agentlog.cdc;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.Driver;

/**
 * Where a PostgreSQL database is, read from a JDBC URL ({@code jdbc:postgresql://host[:port]/database[?params]}).
 * Holds no password: {@link #toString()} is safe to log.
 *
 * @param parameters the URL's parameters (sslmode, ...) without user and password
 */
public record PgLocation(String host, int port, String database, String urlUser, String urlPassword,
        Map<String, String> parameters) {

    /**
     * @param option the option the URL came from, for the error message
     * @throws IllegalArgumentException naming the option when the URL is not a single-host PostgreSQL URL with a database
     */
    public static PgLocation parse(String url, String option) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(option + " is required (jdbc:postgresql://host:port/database)");
        }
        String authority = url.startsWith("jdbc:postgresql://") ? url.substring("jdbc:postgresql://".length()).split("[/?]", 2)[0] : "";
        if (authority.contains("@")) {
            // pgjdbc reads no user:password@ part (and would log it as a bad port): say so before it sees the URL
            throw new IllegalArgumentException(option + " must not hold user:password@ (pgjdbc does not read it): "
                    + "use ?user=...&password=... or the -user and -password options, was '" + redact(url) + "'");
        }
        Properties parsed = url.startsWith("jdbc:postgresql://") ? Driver.parseURL(url, new Properties()) : null;
        if (parsed == null) {
            throw new IllegalArgumentException(option + " must look like jdbc:postgresql://host:port/database, was '"
                    + redact(url) + "'");
        }
        String host = parsed.getProperty("PGHOST", "");
        String database = parsed.getProperty("PGDBNAME", "");
        if (host.contains(",") || database.isEmpty()) {
            throw new IllegalArgumentException(option + " must name one host and a database "
                    + "(jdbc:postgresql://host:port/database), was '" + redact(url) + "'");
        }
        Map<String, String> parameters = new TreeMap<>();
        for (String name : parsed.stringPropertyNames()) {
            if (!name.startsWith("PG") && !name.equals("user") && !name.equals("password")) {
                parameters.put(name, parsed.getProperty(name));
            }
        }
        return new PgLocation(host, Integer.parseInt(parsed.getProperty("PGPORT", "5432")), database,
                parsed.getProperty("user"), parsed.getProperty("password"), Map.copyOf(parameters));
    }

    /** {@code host:port/database}. */
    @Override
    public String toString() {
        return host + ":" + port + "/" + database;
    }

    /** The URL up to its parameters: no password can be in it. */
    static String redact(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base.replaceAll("//[^/@]*@", "//****@");
    }
}
