package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.settings.Settings;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.SnapshotWriter;
import dev.agentlog.app.wiring.PostgresTarget;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.replay.LogSource;
import dev.agentlog.sink.replay.OldSchemas;
import dev.agentlog.sink.replay.ProgressText;
import dev.agentlog.sink.replay.Rebuild;
import dev.agentlog.sink.replay.RebuildListener;
import dev.agentlog.sink.replay.RebuildProgress;
import dev.agentlog.sink.replay.RebuildResult;
import dev.agentlog.sink.replay.RebuildSettings;
import dev.agentlog.sink.replay.SnapshotFrom;
import dev.agentlog.sink.snapshot.SnapshotTopicReader;
import dev.agentlog.sink.replay.TableLogSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Replays the log of record into a shadow schema and swaps it in without stopping the live sink. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = {"Rebuild the projection tables from the log of record without downtime: replay <prefix>.events"
                + " from the newest snapshot at or before the live sink's offsets (or from its beginning: --whole-log,"
                + " or when there is no snapshot) into a fresh shadow schema (<schema>_rebuild) while the live schema keeps serving"
                + " and the live sink keeps writing, catch up to the live sink's offsets, then swap the two schemas in"
                + " one transaction. The old tables are kept in <schema>_old_<yyyyMMdd_HHmmss> until --drop.",
                "Run `agentlog verify` afterwards to prove the result."})
public final class RebuildCommand implements Callable<Integer>, Settings.CrossChecked {
    /** How often a plain progress line is printed when the output is not a terminal. */
    private static final long LINE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long BAR_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int BAR_CELLS = 30;

    public static final Setting<Integer> REBUILD_BATCH_MAX_EVENTS = Setting.count("rebuild-batch-max-events")
            .defaultsTo(RebuildSettings.DEFAULT_BATCH_MAX_EVENTS).check(Check.between(1, SinkSettings.MAX_BATCH_MAX_EVENTS))
            .doc("Most events a rebuild applies to the shadow schema in one transaction.");
    public static final Setting<Integer> WORKERS = Setting.count("workers").defaultsTo(RebuildSettings.DEFAULT_WORKERS)
            .check(Check.between(1, RebuildSettings.MAX_WORKERS))
            .doc("Lanes replaying in parallel, each with its share of the partitions, at most 1 s of log time apart"
                    + " (records of two lanes closer than that may be applied in either order); 1 replays in one"
                    + " merged log order, the one verify folds in.");
    public static final Setting<Boolean> FROM_TABLE = Setting.flag("from-table")
            .doc("Read the log from the schema's events table instead of the Kafka topic (when the topic's retention"
                    + " was shorter than forever).");
    /** Also verify's. */
    public static final Setting<Boolean> WHOLE_LOG = Setting.flag("whole-log")
            .doc("Replay (verify: fold) the log of record from its beginning, not from the newest snapshot at or before"
                    + " the target (the log must still hold its beginning).");
    public static final Setting<SnapshotFrom> SNAPSHOT_FROM = Setting.choice("snapshot-from", SnapshotFrom.class)
            .defaultsTo(SnapshotFrom.AUTO)
            .doc("Where the snapshot to start from is looked for: auto (the schema's newest usable one; when it has"
                    + " none, or the schema is gone, the newest complete one in the compacted <prefix>.snapshots topic),"
                    + " postgres (the schema's only), topic (the topic's only: the rebuild when PostgreSQL was lost;"
                    + " docs/replay.md).");
    public static final Setting<Boolean> RESUME = Setting.flag("resume")
            .doc("Continue in the shadow schema an interrupted rebuild left, from its offsets, instead of starting"
                    + " again from the log's beginning.");
    public static final Setting<Boolean> DROP_OLD = Setting.flag("drop-old")
            .doc("Drop the old tables right after the swap instead of keeping them.");
    public static final Setting<Long> LOCK_TIMEOUT_MS = Setting.millis("lock-timeout-ms")
            .defaultsTo(RebuildSettings.DEFAULT_LOCK_TIMEOUT_MS).check(Check.atLeast(1))
            .doc("Longest the swap waits for the live sink's transaction in flight before it catches up again and"
                    + " retries.");
    public static final Setting<Integer> SWAP_ATTEMPTS = Setting.count("swap-attempts")
            .defaultsTo(RebuildSettings.DEFAULT_SWAP_ATTEMPTS).check(Check.atLeast(1))
            .doc("Swaps tried before the rebuild gives up (the shadow schema is kept for --resume).");
    public static final Setting<String> DROP = Setting.text("drop").label("SCHEMA")
            .doc("Do not rebuild: drop SCHEMA, an old schema a rebuild kept (<schema>_old_<stamp>) or an interrupted"
                    + " rebuild's shadow (<schema>_rebuild).");
    public static final Setting<Boolean> LIST_OLD = Setting.flag("list-old")
            .doc("Do not rebuild: list the old and shadow schemas rebuilds left.");

    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = new KafkaOptions();
    final PostgresOptions postgres = PostgresOptions.required();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup rebuild = new SettingGroup(SinkOptions.GROUP_ID, REBUILD_BATCH_MAX_EVENTS, WORKERS, FROM_TABLE,
            WHOLE_LOG, SNAPSHOT_FROM, RESUME, DROP_OLD, LOCK_TIMEOUT_MS, SWAP_ATTEMPTS, DROP, LIST_OLD);

    /** The log comes from Kafka unless --from-table; --list-old and --drop need no log. */
    @Override
    public void checkSettings(List<String> problems) {
        if (postgres.schema().length() > RebuildSettings.MAX_LIVE_SCHEMA_CHARS) {
            problems.add(PostgresOptions.PG_SCHEMA.option() + " must have at most " + RebuildSettings.MAX_LIVE_SCHEMA_CHARS
                    + " characters for a rebuild (the old schema is named <schema>_old_<yyyyMMdd_HHmmss>), was '"
                    + postgres.schema() + "'");
        }
        boolean rebuilding = !rebuild.get(LIST_OLD) && rebuild.get(DROP) == null;
        if (rebuilding && postgres.migrationTarget() == null) {
            problems.add("a rebuild makes its new schema's tables with migrations, which a transaction pooler cannot run:"
                    + " set " + PostgresOptions.PG_MIGRATE_URL.option() + " to a direct connection");
        }
        if (rebuilding && !rebuild.get(FROM_TABLE) && kafka.bootstrapServers() == null) {
            problems.add(KafkaOptions.BOOTSTRAP_SERVERS.option() + " is required unless " + FROM_TABLE.option()
                    + " (or set " + KafkaOptions.BOOTSTRAP_SERVERS.environmentVariable() + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        String url = postgres.url();
        String schema = postgres.schema();
        int workers = rebuild.get(WORKERS);
        boolean fromTable = rebuild.get(FROM_TABLE);
        PrintWriter out = spec.commandLine().getOut();
        // per lane a connection and one for its table source; the swap's lock, the live offsets, the background ANALYZE
        try (HikariDataSource pool = Database.pool(postgres.target(), Math.max(postgres.poolSize(), 2 * workers + 3),
                "agentlog-rebuild", false)) {
            if (rebuild.get(LIST_OLD)) {
                List<String> schemas = OldSchemas.list(pool, schema);
                schemas.forEach(out::println);
                if (schemas.isEmpty()) {
                    out.println("no schemas left by rebuilds of " + schema);
                }
                out.flush();
                return ExitCodes.OK;
            }
            String drop = rebuild.get(DROP);
            if (drop != null) {
                OldSchemas.drop(pool, schema, drop);
                out.println("dropped schema " + drop);
                out.flush();
                return ExitCodes.OK;
            }
            RebuildSettings settings = new RebuildSettings(schema, rebuild.get(SinkOptions.GROUP_ID),
                    rebuild.get(REBUILD_BATCH_MAX_EVENTS), rebuild.get(LOCK_TIMEOUT_MS), rebuild.get(SWAP_ATTEMPTS),
                    rebuild.get(RESUME), rebuild.get(DROP_OLD), workers);
            String topic = kafka.topics().events();
            RebuildResult result;
            try (LogSource source = fromTable ? new TableLogSource(pool, schema, topic)
                    : kafkaLog(topic)) {
                out.println("rebuilding " + schema + " at " + Secrets.maskJdbcUrl(url) + " from "
                        + (fromTable ? schema + ".events" : topic) + " (shadow schema " + settings.shadowSchema()
                        + ")");
                out.flush();
                Rebuild rebuilding = new Rebuild(pool, settings, source, progress(out), new SimpleMeterRegistry())
                        .withCodec(privacy.codec(pool, schema));
                if (!fromTable && !rebuild.get(WHOLE_LOG)) {
                    KafkaClients clients = kafka.clients();
                    rebuilding.fromSnapshot(privacy.stateCipher(pool, schema)).withSnapshotTopic(
                            new SnapshotTopicReader(clients.bootstrapServers(), clients.common()),
                            kafka.topics().snapshots(), rebuild.get(SNAPSHOT_FROM));
                }
                result = run(rebuilding);
                if (source instanceof KafkaLogSource log) {
                    SnapshotWriter.recordLogStart(pool, schema, log); // state --at's horizon follows retention
                }
            } catch (SQLException e) {
                throw new IllegalStateException("rebuild of " + schema + " failed in PostgreSQL ("
                        + e.getMessage() + "); the live schema is unchanged; the shadow schema " + settings.shadowSchema()
                        + " is kept for --resume", e);
            }
            printResult(out, result);
            return ExitCodes.OK;
        }
    }

    /** The shadow schema's tables are made through a direct connection when --pg-url goes through a pooler. */
    private RebuildResult run(Rebuild rebuild) throws SQLException {
        if (postgres.pooler() == PostgresTarget.PgPooler.NONE) {
            return rebuild.run();
        }
        try (HikariDataSource direct = Database.pool(postgres.migrationTarget(), PostgresOptions.MIGRATION_CONNECTIONS,
                "agentlog-rebuild-migrate", false)) {
            return rebuild.withMigrationsThrough(direct).run();
        }
    }

    private KafkaLogSource kafkaLog(String topic) {
        KafkaClients clients = kafka.clients();
        KafkaAccess.check(clients);
        return new KafkaLogSource(clients.bootstrapServers(), topic, clients.common());
    }

    /** A bar redrawn in place on a terminal; a plain line every few seconds and at each phase elsewhere. */
    private RebuildListener progress(PrintWriter out) {
        boolean terminal = System.console() != null;
        return new RebuildListener() {
            private long last;
            private RebuildProgress.Phase phase;

            @Override
            public void progress(RebuildProgress p) {
                long now = System.nanoTime();
                boolean phaseChanged = p.phase() != phase;
                if (!phaseChanged && now - last < (terminal ? BAR_EVERY_NANOS : LINE_EVERY_NANOS)) {
                    return;
                }
                last = now;
                phase = p.phase();
                if (terminal) {
                    out.print("\r" + ProgressText.bar(p, BAR_CELLS) + "   ");
                    if (p.phase() == RebuildProgress.Phase.DONE) {
                        out.println();
                    }
                } else {
                    out.println(ProgressText.line(p));
                }
                out.flush();
            }
        };
    }

    private static void printResult(PrintWriter out, RebuildResult r) {
        out.printf("rebuilt %s: %d records, %d events (%d duplicates, %d not applied) in %.1f s (%,.0f records/s)%n",
                r.liveSchema(), r.recordsRead(), r.eventsApplied(), r.duplicates(), r.notApplied(),
                r.replayMillis() / 1000.0, r.recordsPerSecond());
        Map<Integer, Long> offsets = new TreeMap<>();
        r.offsets().forEach((tp, offset) -> offsets.put(tp.partition(), offset));
        out.println("at offsets " + offsets + "; the live sink waited " + r.swapMillis() + " ms at the swap");
        out.println(r.startedFrom() == null ? "replayed from the log's beginning"
                : "started from " + r.startedFrom() + ", then replayed the tail after it");
        if (r.auditRecordsLost() > 0) {
            out.println("the events rows (the audit trail) of the " + r.auditRecordsLost() + " records below the"
                    + " snapshot could not come back: a snapshot holds the tables, not the events; state --at, history"
                    + " and export now reach back to the snapshot only (docs/replay.md)");
        }
        if (r.oldSchema() != null) {
            out.println("old tables kept in schema " + r.oldSchema() + ": drop them with `agentlog rebuild --drop "
                    + r.oldSchema() + "`");
        } else if (r.oldDropped()) {
            out.println("old tables dropped");
        }
        out.flush();
    }
}
