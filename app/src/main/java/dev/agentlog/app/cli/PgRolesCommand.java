package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Prints the SQL that gives agentlog three roles with the least each part needs: an owner that migrates the schema and
 * rebuilds it, a writer for the sink (rows, never the tables' shape), a reader for state, history, export and the
 * query API. The operator runs it (psql -f) as a superuser or the database's owner; agentlog never does.
 */
@Command(name = "pg-roles", mixinStandardHelpOptions = true,
        description = {"Print the SQL that creates agentlog's PostgreSQL roles and grants: an owner (runs `agentlog migrate`"
                + " and `agentlog rebuild`), a writer (the sink: reads and writes rows, cannot alter tables), a reader"
                + " (state, history, export, verify, the query API: reads only).",
                "Run it once as a superuser or the database's owner, e.g. agentlog pg-roles | psql \"$DIRECT_URL\"; then"
                        + " give each role a password (\\password in psql). Nothing is run by agentlog."})
public final class PgRolesCommand implements Callable<Integer> {
    private static final Check<String> ROLE = Check.matches("[a-z_][a-z0-9_]{0,62}", "a lower-case SQL identifier");
    public static final Setting<String> OWNER_ROLE = Setting.text("owner-role").defaultsTo("agentlog_owner").label("ROLE")
            .check(ROLE).doc("The role that owns the schema: migrations and rebuilds (--pg-migrate-user).");
    public static final Setting<String> WRITER_ROLE = Setting.text("writer-role").defaultsTo("agentlog_writer")
            .label("ROLE").check(ROLE).doc("The role the sink runs as (--pg-user of `agentlog sink`).");
    public static final Setting<String> READER_ROLE = Setting.text("reader-role").defaultsTo("agentlog_reader")
            .label("ROLE").check(ROLE).doc("The role of state, history, export, verify and the query API.");

    @Spec
    CommandSpec spec;
    final SettingGroup roles = new SettingGroup(PostgresOptions.PG_SCHEMA, OWNER_ROLE, WRITER_ROLE, READER_ROLE);

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(sql(roles.get(PostgresOptions.PG_SCHEMA), roles.get(OWNER_ROLE),
                roles.get(WRITER_ROLE), roles.get(READER_ROLE)));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /** The statements; idempotent, so running them again changes nothing. */
    public static String sql(String schemaName, String ownerName, String writerName, String readerName) {
        String schema = quote(schemaName);
        String owner = quote(ownerName);
        String writer = quote(writerName);
        String reader = quote(readerName);
        return "-- agentlog's roles for schema " + schemaName + ". Run once as a superuser or the database's owner;\n"
                + "-- then give each role a password: \\password " + ownerName + " (psql), or ALTER ROLE ... PASSWORD.\n"
                + createRole(ownerName) + createRole(writerName) + createRole(readerName)
                + "\n-- The owner makes and migrates the schema (agentlog migrate, --pg-migrate-user) and runs rebuilds,\n"
                + "-- which create a schema beside it and swap the two.\n"
                + "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO " + owner.replace("'", "''")
                + "', current_database()); END $$;\n"
                + "GRANT " + owner + " TO CURRENT_USER;\n"
                + "CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + owner + ";\n"
                + "ALTER SCHEMA " + schema + " OWNER TO " + owner + ";\n"
                + "DO $$ DECLARE t record; BEGIN\n"
                + "  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = '" + schemaName + "' LOOP\n"
                + "    EXECUTE format('ALTER TABLE %I.%I OWNER TO " + owner.replace("'", "''") + "', '" + schemaName
                + "', t.tablename);\n"
                + "  END LOOP;\n"
                + "END $$;\n"
                + "\n-- The writer (agentlog sink) reads and writes rows; it cannot create, alter or drop anything.\n"
                + "GRANT USAGE ON SCHEMA " + schema + " TO " + writer + ";\n"
                + "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + writer + ";\n"
                + "\n-- The reader (state, history, export, verify, the query API) reads.\n"
                + "GRANT USAGE ON SCHEMA " + schema + " TO " + reader + ";\n"
                + "GRANT SELECT ON ALL TABLES IN SCHEMA " + schema + " TO " + reader + ";\n"
                + "\n-- What the owner makes later (new tables of a migration, a rebuild's new schema) gets the same grants.\n"
                + "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " GRANT USAGE ON SCHEMAS TO " + writer + ", " + reader + ";\n"
                + "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
                + writer + ";\n"
                + "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " GRANT SELECT ON TABLES TO " + reader + ";\n";
    }

    private static String createRole(String name) {
        return "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + name + "') THEN CREATE ROLE "
                + quote(name) + " LOGIN; END IF; END $$;\n";
    }

    /** Names are checked lower-case identifiers: quoting cannot be escaped. */
    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
