/**
 * The sink: applies the log of record ({@code Topics.events()}) to the PostgreSQL tables of contract
 * section 5, effectively once.
 *
 * <h2>Wiring (what the app calls)</h2>
 * <ol>
 *   <li>{@link dev.agentlog.sink.SchemaMigrator#migrate(javax.sql.DataSource, String)} once on start (Flyway,
 *       {@code classpath:db/agentlog}, any schema).</li>
 *   <li>{@code new SinkWorker(bootstrapServers, topics, settings, dataSource, registry)}, {@code run()} on a
 *       thread of its own, {@code close()} to stop; {@link dev.agentlog.sink.SinkWorker#failure()} or the
 *       {@link dev.agentlog.sink.SinkFatalException} thrown by {@code run()} says why it stopped by itself.</li>
 *   <li>{@code verify}: fold the log with {@link dev.agentlog.sink.fold.LogFold}, read the tables with
 *       {@link dev.agentlog.sink.ProjectionReader}, compare with
 *       {@link dev.agentlog.sink.fold.ProjectionState#differencesFrom}.</li>
 * </ol>
 *
 * <h2>Why effectively once</h2>
 * <ul>
 *   <li>Offsets live in {@code sink_offsets}, written in the same transaction as the rows of the records they
 *       pass, and read (then sought to) on every assignment; Kafka's committed offsets are informational.</li>
 *   <li>Each transaction first moves its partitions' offsets conditionally ({@code UPDATE ... WHERE next_offset
 *       = <expected>}, in a fixed partition order). A worker that lost a partition meanwhile finds another value
 *       and rolls back; one that commits first holds the row lock, so the other waits and then finds the moved
 *       value. Every offset range is committed by exactly one transaction.</li>
 *   <li>{@code events} is unique by event_id: an event already there changes nothing, whoever re-sends it.</li>
 *   <li>The fold ({@link dev.agentlog.sink.fold.ProjectionFold}) is a pure function of (rows, event): timestamps
 *       come from the events, never from the clock, so a replay gives the same rows.</li>
 *   <li>Per-stream order: a stream lives in one partition, a partition is applied in offset order by one worker
 *       at a time, and a batch is folded in log order before it is written.</li>
 * </ul>
 *
 * <h2>How a batch is written (one transaction)</h2>
 * Offsets moved (conditionally, which takes the partitions' row locks); the batch's events binary-COPY'd into
 * {@code events} (not looked up first: records past the stored offset are new unless an event_id comes back, which
 * makes the COPY fail and the batch go the conservative way, after which batches look their event_ids up for a
 * while: {@link dev.agentlog.sink.internal.EventsTable}); the rows that
 * partial updates read loaded with one {@code SELECT ... = ANY} per table; the batch folded in memory into one
 * final row per key ({@link dev.agentlog.sink.fold.BatchOverlay}); per table: cascade DELETEs, DELETE of the
 * changed keys, binary COPY of the final rows. No statement per row, no ON CONFLICT: while a transaction holds
 * its partitions' offset rows, no other transaction inserts rows of those partitions' streams (other streams'
 * cascades only delete). A key inserted by two streams at once (a message_id reused by two agents) makes the
 * COPY fail with 23505; the batch is then retried with the conservative statements and still applied.
 * Measured here (2 cores shared with other work, 100k Letta-like message.created, one connection each, see
 * {@code ApplierThroughputMeasurement}): PostgreSQL spends 1.0-1.15x the CPU per row that COPY of the same
 * rows costs; the sink's threads 11-13 us of CPU per event (15-17 us with the JVM's JIT and GC); wall-clock
 * medians 47-83% of COPY's rows/s (mostly 60-70%), depending on the load of the host. Decoding, half the sink's
 * CPU, runs on several threads for batches of 256 records or more, while PostgreSQL waits anyway. The same batch with {@code INSERT ... ON CONFLICT} statements (pgjdbc's
 * reWriteBatchedInserts shape, or unnest arrays) cost PostgreSQL twice the CPU of COPY: about 32%.
 * Those statements are kept as the conservative path used to isolate a poison event (they fail only because
 * of their own data).
 *
 * <h2>The live sink and the rebuild: one path</h2>
 * A rebuild replays the log through this same batch path: {@link dev.agentlog.sink.SinkCore} (decoding, dead letters,
 * poison isolation, retries, fencing), one transaction per batch, the fold and the writers. What differs is only what
 * the path may assume about the tables it writes, one interface, {@link dev.agentlog.sink.internal.TargetTables}: a
 * live schema's ({@code TargetTables.LIVE}: any key may be stored, the unique indexes decide, commits are durable) or
 * a rebuild's shadow schema ({@link dev.agentlog.sink.replay.ShadowTables}: keys it never wrote are not looked up, the
 * unique keys of {@code events} are kept in memory while their indexes are deferred, commits do not wait for the WAL
 * flush). The rest of the rebuild (its plan, lanes, deferred indexes, statistics and swap) lives in
 * {@code dev.agentlog.sink.replay}.
 *
 * <h2>Failures (one place per domain: {@link dev.agentlog.sink.SqlFailures}, {@code KafkaFailures})</h2>
 * Retriable (08xxx, 57P01-03, 40001, 40P01, 53xxx, 55P03, 57014, a pool timeout): the same transaction again under
 * agentlog's one retry policy ({@code support}'s {@code Retry}): bounded, exponential backoff with jitter and a cap,
 * logged "attempt n of m"; after the last attempt the worker stops, nothing skipped. Poison (22xxx, 23xxx, 54000): the batch is halved until the one event is alone; it goes to
 * the dead-letter topic (reason {@code poison}, rule = SQLSTATE and message) and the rest is applied. A record
 * that does not decode goes there too (reason {@code invalid}). Fatal (28xxx credentials, 3D000, 3F000/42P01
 * missing schema or table, 42xxx, anything else): the worker stops with a message that says what to do.
 * Dead letters are sent (and acknowledged) before the offsets past them commit; a worker fenced or crashed
 * between the two may send the same dead letter twice (the headers carry the source offset to tell). A
 * dead-letter send is retried the same way when Kafka fails in passing (by exception type); when Kafka refuses it
 * (authorization, credentials, TLS) the worker stops at once, naming the refusal.
 *
 * <h2>Metrics</h2>
 * See {@link dev.agentlog.sink.internal.SinkMetrics}; plus {@code agentlog.sink.consumer.lag} per partition.
 */
package dev.agentlog.sink;
