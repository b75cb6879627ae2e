package dev.agentlog.app.cli;

import dev.agentlog.app.wiring.Database;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.settings.Settings;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.MetricsHttpServer;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.LettaCdc;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SourceSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import dev.agentlog.support.health.Readiness;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Change-data capture of a Letta database into {@code <prefix>.events.in}; or, with {@code --setup} or
 * {@code --drop-slot}, one administrative action on the source and exit.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true,
        description = "Capture a Letta PostgreSQL database: every row change becomes a typed agent event in <prefix>.events.in.")
public final class CdcCommand implements Callable<Integer>, Settings.CrossChecked {
    public static final Setting<String> SOURCE_PG_URL = Setting.text("source-pg-url").label("JDBC_URL")
            .shownAs(Secrets::maskJdbcUrl)
            .doc("The Letta database to capture, e.g. jdbc:postgresql://db:5432/letta; a direct connection (a transaction pooler cannot replicate).");
    public static final Setting<String> SOURCE_PG_USER = Setting.text("source-pg-user").label("USER")
            .doc("User of the Letta database, with the REPLICATION attribute (or put it in --source-pg-url).");
    public static final Setting<String> SOURCE_PG_PASSWORD = Setting.secret("source-pg-password").label("PASSWORD")
            .doc("Password of the Letta database. Never logged; prefer --source-pg-password-file or the environment.");
    public static final Setting<String> SCHEMA = Setting.text("schema").defaultsTo(CdcSettings.DEFAULT_SCHEMA)
            .label("SCHEMA")
            .doc("Schema of Letta's tables: public (an external database such as Supabase) or letta (Letta's own image).");
    public static final Setting<String> SLOT_NAME = Setting.text("slot-name").defaultsTo(CdcSettings.DEFAULT_SLOT_NAME)
            .label("NAME")
            .doc("Replication slot of the capture; the source keeps WAL for it until capture confirms it (see --drop-slot).");
    public static final Setting<String> PUBLICATION_NAME = Setting.text("publication-name")
            .defaultsTo(CdcSettings.DEFAULT_PUBLICATION_NAME).label("NAME")
            .doc("Publication of the captured tables; created or brought up to date at start.");
    public static final Setting<Long> POLL_INTERVAL_MS = Setting.millis("poll-interval-ms")
            .defaultsTo(CdcSettings.DEFAULT_POLL_INTERVAL_MS)
            .doc("How long capture waits for more changes before it publishes a batch: the floor of commit-to-event latency.");
    public static final Setting<String> OFFSET_PG_URL = Setting.text("offset-pg-url").label("JDBC_URL")
            .shownAs(Secrets::maskJdbcUrl)
            .doc("PostgreSQL that keeps the capture's source position (default: the Letta database itself).");
    public static final Setting<String> OFFSET_PG_USER = Setting.text("offset-pg-user").label("USER")
            .doc("User for --offset-pg-url (default: the source user, or the URL's).");
    public static final Setting<String> OFFSET_PG_PASSWORD = Setting.secret("offset-pg-password").label("PASSWORD")
            .doc("Password for --offset-pg-url. Never logged.");
    public static final Setting<String> OFFSET_TABLE = Setting.text("offset-table").label("TABLE")
            .doc("Table of the source position, created when missing; one per slot (default: agentlog_cdc_offsets_<slot>).");
    public static final Setting<Long> OFFSET_FLUSH_INTERVAL_MS = Setting.millis("offset-flush-interval-ms")
            .defaultsTo(CdcSettings.DEFAULT_OFFSET_FLUSH_INTERVAL_MS)
            .doc("How often the acknowledged source position is stored and confirmed to the slot (0 = after every batch).");
    public static final Setting<Long> HEARTBEAT_INTERVAL_MS = Setting.millis("heartbeat-interval-ms")
            .defaultsTo(CdcSettings.DEFAULT_HEARTBEAT_INTERVAL_MS)
            .doc("How often the source position moves on while Letta's tables are quiet, so the slot releases WAL (0 = never).");
    public static final Setting<List<String>> EXCLUDE_TABLES = Setting.commaList("exclude-tables").label("TABLE")
            .doc("Tables of --schema not to capture (every other table travels as a typed event or row.changed).");
    public static final Setting<List<String>> CAPTURE_SENSITIVE = Setting.commaList("capture-sensitive")
            .label("TABLE[.COLUMN]")
            .doc("Secret-bearing columns and tables that capture leaves out by default (provider keys, environment variable values, MCP tokens, mcp_oauth, provider_traces: see docs/cdc.md) to capture all the same.");
    public static final Setting<Long> WAL_WARN_BYTES = Setting.largeBytes("wal-warn-bytes")
            .defaultsTo(CdcSettings.DEFAULT_WAL_WARN_BYTES).check(Check.atLeast(0L))
            .doc("WAL held by the replication slot on the source past which capture warns at every report (0 = never).");
    public static final Setting<Long> WAL_REPORT_INTERVAL_MS = Setting.millis("wal-report-interval-ms")
            .defaultsTo(CdcSettings.DEFAULT_WAL_REPORT_INTERVAL_MS).check(Check.atLeast(0L))
            .doc("How often capture logs the WAL its slot holds on the source (0 = never).");
    public static final Setting<Integer> MAX_EVENT_BYTES = HttpOptions.MAX_EVENT_BYTES;
    public static final Setting<Boolean> SETUP = Setting.flag("setup")
            .doc("Prepare the source and exit: a replica identity for tables without a primary key (else Letta's own updates and deletes on them fail), REPLICA IDENTITY FULL on Letta's typed tables, the heartbeat table and the publication; asks first, or --yes.");
    public static final Setting<Boolean> YES = Setting.flag("yes").doc("With --setup: run the statements without asking.");
    public static final Setting<Boolean> DROP_SLOT = Setting.flag("drop-slot")
            .doc("Drop the replication slot, the publication and the stored source position, then exit: an abandoned slot keeps WAL on the source.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = new KafkaOptions();
    final MetricsOptions metrics = new MetricsOptions();
    /** With encryption on, where the data keys are: captured events are sealed before they reach Kafka. */
    final PostgresOptions postgres = new PostgresOptions();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup capture = new SettingGroup(SOURCE_PG_URL, SOURCE_PG_USER, SOURCE_PG_PASSWORD, SCHEMA, SLOT_NAME,
            PUBLICATION_NAME, POLL_INTERVAL_MS, OFFSET_PG_URL, OFFSET_PG_USER, OFFSET_PG_PASSWORD, OFFSET_TABLE,
            OFFSET_FLUSH_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, EXCLUDE_TABLES, CAPTURE_SENSITIVE, WAL_WARN_BYTES,
            WAL_REPORT_INTERVAL_MS, MAX_EVENT_BYTES, SETUP, YES, DROP_SLOT)
            .require(SOURCE_PG_URL);

    @Override
    public Integer call() throws Exception {
        CdcSettings settings = settings();
        if (capture.get(DROP_SLOT)) {
            return dropSlot(settings);
        }
        if (capture.get(SETUP)) {
            return setup(settings);
        }
        KafkaClients clients = kafka.clients();
        int maxEventBytes = capture.get(MAX_EVENT_BYTES);
        PublisherSettings publisherSettings = new PublisherSettings(maxEventBytes, PublisherSettings.DEFAULT_PUBLISH_TIMEOUT_MS);
        new SourceDatabase(settings).checkReady(); // before anything is created: wal_level and privilege name their fix
        new SourceSetup(settings).checkSafe(); // and nothing starts that would make Letta's own writes fail
        TopicAdmin.ensureTopics(clients, kafka.topics(), kafka.partitions(), kafka.replicationFactor(),
                TimeUnit.DAYS.toMillis(7), maxEventBytes);
        try (Running running = new Running()) {
            PrometheusMeterRegistry registry = Metrics.prometheus();
            if (metrics.enabled()) {
                running.add(new MetricsHttpServer(metrics.host(), metrics.port(), registry::scrape));
            }
            EventPublisher publisher = running.add(new EventPublisher(clients.bootstrapServers(), kafka.topics(),
                    publisherSettings, clients.common()));
            if (privacy.enabled()) {
                HikariDataSource keys = running.add(Database.pool(postgres.target(), 2, "agentlog-cdc-keys", false));
                publisher.sealingWith(privacy.cipher(keys, postgres.schema()));
            }
            LettaCdc cdc = running.add(new LettaCdc(settings, publisher, registry)
                    .withReadiness(Metrics.readiness(registry, new Readiness(), "cdc"))).start();
            spec.commandLine().getOut().println("cdc running: " + settings.source() + " schema " + settings.schema()
                    + ", slot " + settings.slotName() + " -> " + publisher.topic());
            spec.commandLine().getOut().flush();
            cdc.awaitStop();
        }
        return ExitCodes.OK;
    }

    CdcSettings settings() {
        return new CdcSettings(capture.get(SOURCE_PG_URL), capture.get(SOURCE_PG_USER), capture.get(SOURCE_PG_PASSWORD),
                capture.get(SCHEMA), capture.get(SLOT_NAME), capture.get(PUBLICATION_NAME), capture.get(OFFSET_PG_URL),
                capture.get(OFFSET_PG_USER), capture.get(OFFSET_PG_PASSWORD), capture.get(OFFSET_TABLE),
                capture.get(POLL_INTERVAL_MS), capture.get(OFFSET_FLUSH_INTERVAL_MS), capture.get(HEARTBEAT_INTERVAL_MS),
                capture.get(EXCLUDE_TABLES), false, capture.get(CAPTURE_SENSITIVE), capture.get(WAL_WARN_BYTES),
                capture.get(WAL_REPORT_INTERVAL_MS));
    }

    /** The capture needs Kafka; --setup and --drop-slot only the source. */
    @Override
    public void checkSettings(List<String> problems) {
        if (privacy.enabled() && postgres.url() == null) {
            problems.add(PrivacyOptions.KEK_FILE.option() + " needs --pg-url: the data keys live in agentlog's"
                    + " PostgreSQL (docs/privacy.md)");
        }
        if (!capture.get(SETUP) && !capture.get(DROP_SLOT) && kafka.bootstrapServers() == null) {
            problems.add(KafkaOptions.BOOTSTRAP_SERVERS.option() + " is required (or set "
                    + KafkaOptions.BOOTSTRAP_SERVERS.environmentVariable() + ")");
        }
        try {
            settings();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
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
        SourceSetup source = new SourceSetup(settings);
        List<SourceSetup.SetupStep> plan = source.setupPlan();
        List<String> statements = plan.stream().map(SourceSetup.SetupStep::sql).toList();
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
        if (!capture.get(YES) && !confirmed()) {
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
