package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.Secrets;
import dev.agentlog.app.wiring.Database;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Replays the log of record into a shadow schema and swaps it in without stopping the live sink. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = {"Rebuild the projection tables from the log of record without downtime: replay <prefix>.events"
                + " from its beginning into a fresh shadow schema (<schema>_rebuild) while the live schema keeps serving"
                + " and the live sink keeps writing, catch up to the live sink's offsets, then swap the two schemas in"
                + " one transaction. The old tables are kept in <schema>_old_<yyyyMMdd_HHmmss> until --drop.",
                "Run `agentlog verify` afterwards to prove the result."})
public final class RebuildCommand implements Callable<Integer> {
    /** How often a plain progress line is printed when the output is not a terminal. */
    private static final long LINE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long BAR_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int BAR_CELLS = 30;

    @Spec
    CommandSpec spec;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    PostgresOptions postgres;

    @Option(names = "--group-id", defaultValue = SinkSettings.DEFAULT_GROUP_ID, paramLabel = "GROUP",
            description = "Consumer group of the live sink: the rebuild stops at its offsets and hands them over.")
    String groupId;

    @Option(names = "--rebuild-batch-max-events", defaultValue = "" + RebuildSettings.DEFAULT_BATCH_MAX_EVENTS,
            paramLabel = "N", description = "Most events a rebuild applies to the shadow schema in one transaction.")
    int batchMaxEvents;

    @Option(names = "--workers", defaultValue = "" + RebuildSettings.DEFAULT_WORKERS, paramLabel = "N",
            description = "Lanes replaying in parallel, each with its share of the partitions, at most 1 s of log time"
                    + " apart (records of two lanes closer than that may be applied in either order); 1 replays in one"
                    + " merged log order, the one verify folds in.")
    int workers;

    @Option(names = "--from-table", description = "Read the log from the schema's events table instead of the Kafka"
            + " topic (when the topic's retention was shorter than forever).")
    boolean fromTable;

    @Option(names = "--resume", description = "Continue in the shadow schema an interrupted rebuild left, from its"
            + " offsets, instead of starting again from the log's beginning.")
    boolean resume;

    @Option(names = "--drop-old", description = "Drop the old tables right after the swap instead of keeping them.")
    boolean dropOld;

    @Option(names = "--lock-timeout-ms", defaultValue = "" + RebuildSettings.DEFAULT_LOCK_TIMEOUT_MS, paramLabel = "MS",
            description = "Longest the swap waits for the live sink's transaction in flight before it catches up"
                    + " again and retries.")
    long lockTimeoutMs;

    @Option(names = "--swap-attempts", defaultValue = "" + RebuildSettings.DEFAULT_SWAP_ATTEMPTS, paramLabel = "N",
            description = "Swaps tried before the rebuild gives up (the shadow schema is kept for --resume).")
    int swapAttempts;

    @Option(names = "--drop", paramLabel = "SCHEMA",
            description = "Do not rebuild: drop SCHEMA, an old schema a rebuild kept (<schema>_old_<stamp>) or an"
                    + " interrupted rebuild's shadow (<schema>_rebuild).")
    String drop;

    @Option(names = "--list-old", description = "Do not rebuild: list the old and shadow schemas rebuilds left.")
    boolean listOld;

    @Override
    public Integer call() throws Exception {
        postgres.validate();
        String url = Required.option(postgres.url, "--pg-url");
        PrintWriter out = spec.commandLine().getOut();
        // per lane a connection and one for its table source; the swap's lock, the live offsets, the background ANALYZE
        try (HikariDataSource pool = Database.pool(url, postgres.user, postgres.password, Math.max(postgres.poolSize, 2 * workers + 3),
                "agentlog-rebuild")) {
            if (listOld) {
                List<String> schemas = OldSchemas.list(pool, postgres.schema);
                schemas.forEach(out::println);
                if (schemas.isEmpty()) {
                    out.println("no schemas left by rebuilds of " + postgres.schema);
                }
                out.flush();
                return ExitCodes.OK;
            }
            if (drop != null) {
                OldSchemas.drop(pool, postgres.schema, drop);
                out.println("dropped schema " + drop);
                out.flush();
                return ExitCodes.OK;
            }
            RebuildSettings settings = new RebuildSettings(postgres.schema, groupId, batchMaxEvents, lockTimeoutMs,
                    swapAttempts, resume, dropOld, workers);
            kafka.validate();
            String topic = kafka.topics().events();
            RebuildResult result;
            try (LogSource source = fromTable ? new TableLogSource(pool, postgres.schema, topic)
                    : new KafkaLogSource(Required.option(kafka.bootstrapServers, "--bootstrap-servers"), topic, Map.of())) {
                out.println("rebuilding " + postgres.schema + " at " + Secrets.maskJdbcUrl(url) + " from "
                        + (fromTable ? postgres.schema + ".events" : topic) + " (shadow schema " + settings.shadowSchema()
                        + ")");
                out.flush();
                result = new Rebuild(pool, settings, source, progress(out), new SimpleMeterRegistry()).run();
            } catch (SQLException e) {
                throw new IllegalStateException("rebuild of " + postgres.schema + " failed in PostgreSQL ("
                        + e.getMessage() + "); the live schema is unchanged; the shadow schema " + settings.shadowSchema()
                        + " is kept for --resume", e);
            }
            printResult(out, result);
            return ExitCodes.OK;
        }
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
        if (r.oldSchema() != null) {
            out.println("old tables kept in schema " + r.oldSchema() + ": drop them with `agentlog rebuild --drop "
                    + r.oldSchema() + "`");
        } else if (r.oldDropped()) {
            out.println("old tables dropped");
        }
        out.flush();
    }
}
