package dev.agentlog.app.replay;

import static dev.agentlog.app.replay.TestEvents.event;
import static dev.agentlog.app.replay.TestEvents.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.Await;
import dev.agentlog.app.e2e.Rows;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.sink.BatchResult;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkCore;
import dev.agentlog.sink.SinkRecord;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The swap's promise, step by step and without timing luck: a live sink whose statements are server-side
 * prepared (pgjdbc prepares after 5 uses) and whose next batch waits on the swap's lock writes that batch, once
 * the swap commits, into the renamed-in tables, from the offsets the swap handed over; the old tables get
 * nothing more.
 */
class SwapUnderLockTest {
    static final String TOPIC = "swap.events";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    @Test
    void shouldWriteTheBatchThatWaitedOnTheSwapIntoTheNewTables() throws Exception {
        // one backend for the live sink: its prepared statements live on it
        try (HikariDataSource live = pool(1); HikariDataSource admin = pool(2)) {
            Swapped swapped = swapWhileABatchWaits(live, admin, "swp", "LOCK TABLE swp.sink_offsets IN EXCLUSIVE MODE");
            long swapOffset = swapped.offset();
            assertThat(Rows.of(admin, "select count(*) from swp.events")).containsExactly(String.valueOf(swapOffset + 10));
            assertThat(Rows.of(admin, "select next_offset from swp.sink_offsets")).containsExactly(String.valueOf(swapOffset + 10));
            assertThat(Rows.of(admin, "select count(*) from swp_old.events")).containsExactly(String.valueOf(swapOffset));
            assertThat(Rows.of(admin, "select next_offset from swp_old.sink_offsets")).containsExactly(String.valueOf(swapOffset));
            // and it goes on there
            apply(swapped.sink(), swapOffset + 10, 10);
            assertThat(Rows.of(admin, "select count(*) from swp.messages")).containsExactly(String.valueOf(swapOffset + 20));
        }
    }

    /**
     * Why the swap locks the table: with the offset rows locked instead, the waiting UPDATE keeps the old table it
     * had already locked and moves the old offsets, while the rest of its transaction writes to the new tables.
     */
    @Test
    void shouldSplitTheWaitingBatchAcrossBothSchemasWhenOnlyTheOffsetRowsAreLocked() throws Exception {
        try (HikariDataSource live = pool(1); HikariDataSource admin = pool(2)) {
            long swapOffset = swapWhileABatchWaits(live, admin, "rws", "SELECT * FROM rws.sink_offsets FOR UPDATE").offset();
            assertThat(Rows.of(admin, "select next_offset from rws_old.sink_offsets"))
                    .containsExactly(String.valueOf(swapOffset + 10));
            assertThat(Rows.of(admin, "select next_offset from rws.sink_offsets")).containsExactly(String.valueOf(swapOffset));
            assertThat(Rows.of(admin, "select count(*) from rws.events")).containsExactly(String.valueOf(swapOffset + 10));
        }
    }

    /** A live sink past pgjdbc's prepare threshold, a batch waiting on {@code lock}, the swap; returns the swap offset. */
    private static Swapped swapWhileABatchWaits(HikariDataSource live, HikariDataSource admin, String schema,
            String lock) throws Exception {
        SchemaMigrator.migrate(admin, schema);
        SchemaMigrator.migrate(admin, schema + "_rebuild");
        SinkCore sink = new SinkCore(live, SinkSettings.defaults().withSchema(schema).withGroupId("g"),
                letters -> { }, new SimpleMeterRegistry());
        sink.assign(List.of(P0));
        long offset = 0;
        for (int batch = 0; batch < 8; batch++) { // past pgjdbc's prepareThreshold of 5
            offset = apply(sink, offset, 10);
        }
        long swapOffset = offset;
        // the rebuilt schema holds the same events (here: written by a second sink) and the same offset
        SinkCore shadow = new SinkCore(admin, SinkSettings.defaults().withSchema(schema + "_rebuild").withGroupId("g"),
                letters -> { }, new SimpleMeterRegistry());
        shadow.assign(List.of(P0));
        shadow.process(records(0, (int) swapOffset));

        try (Connection swap = admin.getConnection(); Statement s = swap.createStatement()) {
            swap.setAutoCommit(false);
            s.execute(lock);
            CompletableFuture<BatchResult> waiting = CompletableFuture.supplyAsync(
                    () -> sink.process(records((int) swapOffset, 10)));
            Await.until("the live batch to wait on the lock", Duration.ofSeconds(30),
                    () -> Rows.of(admin, "select count(*) from pg_locks l where not l.granted and l.pid <> pg_backend_pid()"
                            + " and l.locktype in ('relation', 'transactionid', 'tuple')").get(0), n -> !n.equals("0"));
            s.execute("ALTER SCHEMA " + schema + " RENAME TO " + schema + "_old");
            s.execute("ALTER SCHEMA " + schema + "_rebuild RENAME TO " + schema);
            swap.commit();

            BatchResult result = waiting.get();
            assertThat(result.applied()).isEqualTo(10);
            assertThat(result.seek()).isEmpty();
        }
        return new Swapped(swapOffset, sink);
    }

    record Swapped(long offset, SinkCore sink) {}

    private static long apply(SinkCore sink, long from, int count) {
        BatchResult result = sink.process(records((int) from, count));
        assertThat(result.applied()).isEqualTo(count);
        return from + count;
    }

    private static List<SinkRecord> records(int from, int count) {
        List<SinkRecord> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String json = event("swap-" + i, "agent-swap", "message.created", Instant.parse("2026-11-24T10:00:00Z")
                    .plusSeconds(i), message("message-swap-" + i, "user", "hello " + i)).replace("\"source\"",
                    "\"stream_seq\":" + (i + 1) + ",\"source\"");
            out.add(new SinkRecord(TOPIC, 0, i, "agent-swap".getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static HikariDataSource pool(int size) {
        TestRuntime runtime = TestRuntime.get();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(runtime.postgres.jdbcUrl());
        config.setUsername(runtime.postgres.user());
        config.setPassword(runtime.postgres.password());
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }
}
