package dev.agentlog.bench.child;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.events.Topics;
import dev.agentlog.privacy.KeyEncryptionKey;
import dev.agentlog.privacy.PayloadCipher;
import dev.agentlog.privacy.SubjectKeys;
import dev.agentlog.sink.SinkSettings;
import dev.agentlog.support.time.Time;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.BiPredicate;

/**
 * agentlog's sink as {@code agentlog sink} runs it: {@link Pipeline#startSink} with N workers on one connection pool,
 * the sink's default settings except those the bench passes.
 */
final class SinkContender implements ChildMain.Contender {
    private final HikariDataSource pool;
    private final Pipeline pipeline;

    private SinkContender(HikariDataSource pool, Pipeline pipeline) {
        this.pool = pool;
        this.pipeline = pipeline;
    }

    /**
     * Arguments: bootstrap servers, JDBC URL, user, schema, group id, workers, batch max events; then, for a sealed log,
     * its topic prefix, the KEK file and the schema of its data keys (as {@code agentlog sink --kek-file} opens it).
     */
    static SinkContender start(String[] args) {
        if (args.length != 7 && args.length != 10) {
            throw new IllegalArgumentException("sink contender arguments: bootstrap url user schema group workers batch"
                    + " [prefix kek-file keys-schema], got " + args.length);
        }
        int workers = Integer.parseInt(args[5]);
        SinkSettings settings = SinkSettings.defaults().withSchema(args[3]).withGroupId(args[4])
                .withBatchMaxEvents(Integer.parseInt(args[6]));
        // as `agentlog sink` sizes it: one connection per worker at least
        HikariDataSource pool = Database.pool(args[1], args[2], "", Math.max(2, workers), "bench-sink");
        Pipeline pipeline = new Pipeline(args[0], args.length == 10 ? new Topics(args[7]) : Topics.DEFAULT,
                new SimpleMeterRegistry());
        if (args.length == 10) {
            pipeline.withCodec(new PayloadCipher(new SubjectKeys(pool, args[9],
                    KeyEncryptionKey.load(java.nio.file.Path.of(args[8])), Time.SYSTEM)).codec());
        }
        pipeline.startSink(settings, pool, workers);
        return new SinkContender(pool, pipeline);
    }

    @Override
    public BiPredicate<String, StackTraceElement[]> workerThreads() {
        // the workers, and the common pool on which they decode batches in parallel
        return (name, stack) -> name.startsWith("agentlog-sink-") || name.startsWith("ForkJoinPool.commonPool");
    }

    @Override
    public void close() {
        pipeline.close();
        pool.close();
    }
}
