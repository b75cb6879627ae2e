package dev.agentlog.app.cli;

import dev.agentlog.app.settings.Settings;
import dev.agentlog.sink.SchemaMigrator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The schema's migrations alone, as its owner, on a direct connection. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Create or migrate the projection schema (--pg-schema) to the version this agentlog needs, and exit.",
                "Run it as the schema's owner on a direct connection (not a transaction pooler) when the sink runs as a"
                        + " role that may only write rows, or through a pooler: `agentlog pg-roles` prints the roles."})
public final class MigrateCommand implements Callable<Integer>, Settings.CrossChecked {
    @Spec
    CommandSpec spec;
    final PostgresOptions postgres = PostgresOptions.required();

    @Override
    public void checkSettings(List<String> problems) {
        if (postgres.migrationTarget() == null) {
            problems.add("migrations need a direct connection, not a transaction pooler: set "
                    + PostgresOptions.PG_MIGRATE_URL.option() + " or give --pg-url of the database itself");
        }
    }

    @Override
    public Integer call() throws Exception {
        int applied = postgres.migrate(postgres.migrationTarget());
        spec.commandLine().getOut().println("schema " + postgres.schema() + " at version " + SchemaMigrator.LATEST_VERSION
                + " (" + applied + " migration(s) applied) on " + postgres.migrationTarget().masked());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
