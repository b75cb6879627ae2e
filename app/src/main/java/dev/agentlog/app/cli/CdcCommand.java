package dev.agentlog.app.cli;

import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.MetricsHttpServer;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.ingest.EventPublisher;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.ingest.PublisherSettings;
import dev.agentlog.ingest.cdc.CdcSettings;
import dev.agentlog.ingest.cdc.LettaCdc;
import dev.agentlog.ingest.cdc.SourceDatabase;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Change-data capture of a Letta database into {@code <prefix>.events.in}; or, with {@code --setup} or
 * {@code --drop-slot}, one administrative action on the source and exit.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true,
        description = "Capture a Letta PostgreSQL database: every row change becomes a typed agent event in <prefix>.events.in.")
public final class CdcCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    MetricsOption metrics;

    @Option(names = "--source-pg-url", paramLabel = "JDBC_URL",
            description = "The Letta database to capture, e.g. jdbc:postgresql://db:5432/letta; a direct connection (a transaction pooler cannot replicate).")
    String sourcePgUrl;

    @Option(names = "--source-pg-user", paramLabel = "USER",
            description = "User of the Letta database, with the REPLICATION attribute (or put it in --source-pg-url).")
    String sourcePgUser;

    @Option(names = "--source-pg-password", paramLabel = "PASSWORD",
            description = "Password of the Letta database. Never logged; prefer the environment variable.")
    String sourcePgPassword;

    @Option(names = "--schema", defaultValue = CdcSettings.DEFAULT_SCHEMA, paramLabel = "SCHEMA",
            description = "Schema of Letta's tables: public (an external database such as Supabase) or letta (Letta's own image).")
    String schema;

    @Option(names = "--slot-name", defaultValue = CdcSettings.DEFAULT_SLOT_NAME, paramLabel = "NAME",
            description = "Replication slot of the capture; the source keeps WAL for it until capture confirms it (see --drop-slot).")
    String slotName;

    @Option(names = "--publication-name", defaultValue = CdcSettings.DEFAULT_PUBLICATION_NAME, paramLabel = "NAME",
            description = "Publication of the captured tables; created or brought up to date at start.")
    String publicationName;

    @Option(names = "--poll-interval-ms", defaultValue = "" + CdcSettings.DEFAULT_POLL_INTERVAL_MS, paramLabel = "MS",
            description = "How long capture waits for more changes before it publishes a batch: the floor of commit-to-event latency.")
    long pollIntervalMs;

    @Option(names = "--offset-pg-url", paramLabel = "JDBC_URL",
            description = "PostgreSQL that keeps the capture's source position (default: the Letta database itself).")
    String offsetPgUrl;

    @Option(names = "--offset-pg-user", paramLabel = "USER",
            description = "User for --offset-pg-url (default: the source user, or the URL's).")
    String offsetPgUser;

    @Option(names = "--offset-pg-password", paramLabel = "PASSWORD",
            description = "Password for --offset-pg-url. Never logged.")
    String offsetPgPassword;

    @Option(names = "--offset-table", paramLabel = "TABLE",
            description = "Table of the source position, created when missing; one per slot (default: agentlog_cdc_offsets_<slot>).")
    String offsetTable;

    @Option(names = "--offset-flush-interval-ms", defaultValue = "" + CdcSettings.DEFAULT_OFFSET_FLUSH_INTERVAL_MS, paramLabel = "MS",
            description = "How often the acknowledged source position is stored and confirmed to the slot (0 = after every batch).")
    long offsetFlushIntervalMs;

    @Option(names = "--heartbeat-interval-ms", defaultValue = "" + CdcSettings.DEFAULT_HEARTBEAT_INTERVAL_MS, paramLabel = "MS",
            description = "How often the source position moves on while Letta's tables are quiet, so the slot releases WAL (0 = never).")
    long heartbeatIntervalMs;

    @Option(names = "--exclude-tables", split = ",", paramLabel = "TABLE",
            description = "Tables of --schema not to capture (every other table travels as a typed event or row.changed).")
    List<String> excludeTables;

    @Option(names = "--capture-sensitive", split = ",", paramLabel = "TABLE[.COLUMN]",
            description = "Secret-bearing columns and tables that capture leaves out by default (provider keys, environment variable values, MCP tokens, mcp_oauth, provider_traces: see docs/cdc.md) to capture all the same.")
    List<String> captureSensitive;

    @Option(names = "--wal-warn-bytes", defaultValue = "" + CdcSettings.DEFAULT_WAL_WARN_BYTES, paramLabel = "BYTES",
            description = "WAL held by the replication slot on the source past which capture warns at every report (0 = never).")
    long walWarnBytes;

    @Option(names = "--wal-report-interval-ms", defaultValue = "" + CdcSettings.DEFAULT_WAL_REPORT_INTERVAL_MS, paramLabel = "MS",
            description = "How often capture logs the WAL its slot holds on the source (0 = never).")
    long walReportIntervalMs;

    @Option(names = "--max-event-bytes", defaultValue = "" + IngestSettings.DEFAULT_MAX_EVENT_BYTES, paramLabel = "BYTES",
            description = "Largest serialized event; a larger CDC event is skipped, logged and counted (agentlog.cdc.too.large).")
    int maxEventBytes;

    @Option(names = "--setup",
            description = "Prepare the source and exit: a replica identity for tables without a primary key (else Letta's own updates and deletes on them fail), REPLICA IDENTITY FULL on Letta's typed tables, the heartbeat table and the publication; asks first, or --yes.")
    boolean setup;

    @Option(names = "--yes", description = "With --setup: run the statements without asking.")
    boolean yes;

    @Option(names = "--drop-slot",
            description = "Drop the replication slot, the publication and the stored source position, then exit: an abandoned slot keeps WAL on the source.")
    boolean dropSlot;

    @Override
    public Integer call() throws Exception {
        CdcSettings settings = settings();
        if (dropSlot) {
            return dropSlot(settings);
        }
        if (setup) {
            return setup(settings);
        }
        kafka.validate();
        String bootstrap = Required.option(kafka.bootstrapServers, "--bootstrap-servers");
        PublisherSettings publisherSettings = new PublisherSettings(maxEventBytes, PublisherSettings.DEFAULT_PUBLISH_TIMEOUT_MS);
        SourceDatabase source = new SourceDatabase(settings);
        source.checkReady(); // before anything is created: wal_level and privilege name their fix
        source.checkSafe(); // and nothing starts that would make Letta's own writes fail
        TopicAdmin.ensureTopics(bootstrap, kafka.topics(), kafka.partitions, kafka.replicationFactor,
                TimeUnit.DAYS.toMillis(7), maxEventBytes);
        try (Running running = new Running()) {
            PrometheusMeterRegistry registry = Metrics.prometheus();
            if (metrics.port >= 0) {
                running.add(new MetricsHttpServer(metrics.host, metrics.port, registry::scrape));
            }
            EventPublisher publisher = running.add(new EventPublisher(bootstrap, kafka.topics(), publisherSettings, Map.of()));
            LettaCdc cdc = running.add(new LettaCdc(settings, publisher, registry)).start();
            spec.commandLine().getOut().println("cdc running: " + settings.source() + " schema " + settings.schema()
                    + ", slot " + settings.slotName() + " -> " + publisher.topic());
            spec.commandLine().getOut().flush();
            cdc.awaitStop();
        }
        return ExitCodes.OK;
    }

    CdcSettings settings() {
        CdcSettings settings = new CdcSettings(Required.option(sourcePgUrl, "--source-pg-url"), sourcePgUser,
                sourcePgPassword, schema, slotName, publicationName, offsetPgUrl, offsetPgUser, offsetPgPassword,
                offsetTable, pollIntervalMs, offsetFlushIntervalMs, heartbeatIntervalMs, excludeTables, false,
                captureSensitive, walWarnBytes, walReportIntervalMs);
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("--max-event-bytes must be >= 1, was " + maxEventBytes);
        }
        return settings;
    }

    private int dropSlot(CdcSettings settings) {
        List<String> dropped = new SourceDatabase(settings).dropSlot();
        PrintWriter out = spec.commandLine().getOut();
        out.println(dropped.isEmpty() ? "nothing to drop on " + settings.source() + ": no slot " + settings.slotName()
                + ", no publication " + settings.publicationName() + ", no table " + settings.effectiveOffsetTable()
                : "dropped on " + settings.source() + ": " + String.join(", ", dropped));
        out.flush();
        return ExitCodes.OK;
    }

    /** Shows the statements, then runs them only with consent: --yes, or "y" typed at a terminal. */
    private int setup(CdcSettings settings) {
        SourceDatabase source = new SourceDatabase(settings);
        List<SourceDatabase.SetupStep> plan = source.setupPlan();
        List<String> statements = plan.stream().map(SourceDatabase.SetupStep::sql).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (statements.isEmpty()) {
            out.println("nothing to set up on " + settings.source() + ": every captured table has a replica identity, "
                    + "Letta's typed tables have REPLICA IDENTITY FULL, the heartbeat table and publication "
                    + settings.publicationName() + " exist");
            out.flush();
            return ExitCodes.OK;
        }
        out.println("agentlog cdc --setup runs on " + settings.source() + " (as " + settings.effectiveSourceUser() + "):");
        plan.forEach(step -> out.println("  " + step.sql() + ";   -- " + (step.required() ? "required: " : "") + step.why()));
        out.flush();
        if (!yes && !confirmed()) {
            spec.commandLine().getErr().println("nothing was changed: run again with --setup --yes to run these "
                    + "statements, or run them yourself as the tables' owner");
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
        source.apply(statements);
        out.println("done: " + statements.size() + " statements");
        out.flush();
        return ExitCodes.OK;
    }

    private static boolean confirmed() {
        Console console = System.console();
        if (console == null) {
            return false; // no terminal to ask at: only --yes consents
        }
        String answer = console.readLine("Run them now? [y/N] ");
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
