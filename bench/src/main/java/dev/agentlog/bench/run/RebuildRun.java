package dev.agentlog.bench.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.events.Topics;
import dev.agentlog.sink.replay.KafkaLogSource;
import dev.agentlog.sink.replay.Rebuild;
import dev.agentlog.sink.replay.RebuildProgress;
import dev.agentlog.sink.replay.RebuildResult;
import dev.agentlog.sink.replay.RebuildSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;

/**
 * {@code agentlog rebuild} ({@link Rebuild}, what the command runs) of the schema agentlog's sink built: the whole log
 * replayed into a shadow schema, then swapped in. In the bench's JVM, with the rebuild's default settings.
 */
public final class RebuildRun {
    private RebuildRun() {}

    /** @param workers the rebuild's lanes ({@code agentlog rebuild --workers}) */
    public static RebuildFigures run(BenchEnvironment env, String liveSchema, String groupId, long events, int workers)
            throws Exception {
        env.checkpoint();
        Progress progress = new Progress("agentlog rebuild, " + workers + " worker" + (workers == 1 ? "" : "s"), events,
                "records");
        RebuildSettings settings = new RebuildSettings(liveSchema, groupId, RebuildSettings.DEFAULT_BATCH_MAX_EVENTS,
                RebuildSettings.DEFAULT_LOCK_TIMEOUT_MS, RebuildSettings.DEFAULT_SWAP_ATTEMPTS, false, true, workers);
        RebuildResult result;
        // as `agentlog rebuild` sizes its pool: a connection per lane, and one for the swap and the live offsets
        try (HikariDataSource pool = Database.pool(env.postgres().jdbcUrl(), env.postgres().user(), "", workers + 2,
                "bench-rebuild");
             KafkaLogSource source = new KafkaLogSource(env.bootstrapServers(), Topics.DEFAULT.events(), Map.of())) {
            result = new Rebuild(pool, settings, source,
                    (RebuildProgress p) -> progress.update(p.recordsRead(), p.phase().label()), new SimpleMeterRegistry()).run();
        }
        RebuildFigures figures = new RebuildFigures(result.recordsRead(), result.eventsApplied(),
                result.replayMillis() / 1000.0, result.swapMillis() / 1000.0, workers);
        progress.done(String.format(Locale.ROOT, "%,d records in %.1f s: %,.0f events/s, swap %.1f s", figures.records(),
                figures.replaySeconds(), figures.eventsPerSecond(), figures.swapSeconds()));
        return figures;
    }
}
