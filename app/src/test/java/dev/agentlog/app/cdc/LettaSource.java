package dev.agentlog.app.cdc;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.e2e.PipelineProbe;
import dev.agentlog.app.e2e.TestRuntime;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.cdc.CdcSettings;
import dev.agentlog.cdc.SourceDatabase;
import dev.agentlog.cdc.SourceSetup;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

/**
 * A Letta database (the final schema, in a database of the test PostgreSQL) and the real pipeline behind capture: the
 * processor and a sink worker against the test broker, projections in their own schema, topics with their own
 * prefix. What a capture test needs, made once per test class; {@link #close()} drops the slot (it keeps WAL for as
 * long as it exists) and stops everything.
 */
final class LettaSource implements AutoCloseable {
    final String name;
    final Topics topics;
    final HikariDataSource projections;
    final HikariDataSource letta;
    final String url;
    final Pipeline pipeline;
    final PipelineProbe probe;
    final EventPublisher publisher;
    final LettaWriter writer;
    final LettaMirror mirror;

    /** @param name the source database, the projections' schema, the topic prefix and the processor's id */
    LettaSource(String name, MeterRegistry registry) throws Exception {
        this.name = name;
        TestRuntime runtime = TestRuntime.get();
        String bootstrap = runtime.bootstrapServers();
        topics = new Topics(name);
        projections = Database.pool(runtime.postgres.jdbcUrl(), runtime.postgres.user(), runtime.postgres.password(), 4,
                name + "-projections");
        try (Connection c = projections.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        url = "jdbc:postgresql://127.0.0.1:" + runtime.postgres.port() + "/" + name;
        letta = Database.pool(url, runtime.postgres.user(), runtime.postgres.password(), 2, name + "-letta");
        try (Connection c = letta.getConnection(); Statement s = c.createStatement();
             InputStream schema = LettaSource.class.getResourceAsStream("/letta/schema.sql")) {
            s.execute(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
        }
        SchemaMigrator.migrate(projections, name);
        TopicAdmin.ensureTopics(bootstrap, topics, 3, (short) 1, 604_800_000L, IngestSettings.DEFAULT_MAX_EVENT_BYTES);
        pipeline = new Pipeline(bootstrap, topics, registry)
                .startSink(SinkSettings.defaults().withSchema(name).withGroupId(name + "-sink"), projections, 1)
                .startProcessor(ProcessorSettings.defaults(runtime.dataDir.resolve(name + "-processor"))
                        .withApplicationId(name + "-processor"));
        probe = new PipelineProbe(bootstrap, topics, name + "-processor", projections, name);
        publisher = new EventPublisher(bootstrap, topics, PublisherSettings.DEFAULT, Map.of());
        writer = new LettaWriter(letta);
        mirror = new LettaMirror(letta, projections, name, probe);
    }

    /** Capture of this source with the test database's credentials, on a slot and publication named {@code slot}. */
    CdcSettings settings(String slot) {
        TestRuntime runtime = TestRuntime.get();
        return CdcSettings.defaults(url).withCredentials(runtime.postgres.user(), runtime.postgres.password())
                .withSlot(slot, slot);
    }

    /** Runs what capture refuses to start without, as an operator runs it from the refusal's message. */
    static void applyRequiredSetup(CdcSettings settings) {
        SourceSetup source = new SourceSetup(settings);
        source.apply(source.setupPlan().stream().filter(SourceSetup.SetupStep::required)
                .map(SourceSetup.SetupStep::sql).toList());
    }

    /**
     * Drops the slot (it keeps WAL for as long as it exists) once no capture reads it: a closed capture's walsender
     * on the source takes a moment to go, and the drop refuses a slot in use.
     */
    void dropSlot(CdcSettings settings) throws Exception {
        dev.agentlog.app.e2e.Await.until("slot " + settings.slotName() + " to be free", LettaMirror.TIMEOUT,
                () -> writer.query("SELECT active::text FROM pg_replication_slots WHERE slot_name = ?", settings.slotName()),
                active -> !active.contains("true"));
        new SourceDatabase(settings).dropSlot();
    }

    @Override
    public void close() {
        pipeline.close();
        publisher.close();
        letta.close();
        projections.close();
    }
}
