package dev.agentlog.app.cli;

import dev.agentlog.support.time.Time;
import dev.agentlog.events.EventCodec;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.app.wiring.Eraser;
import dev.agentlog.app.wiring.EraseRoute;
import dev.agentlog.app.wiring.ReadRoutes;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.runtime.EmbeddedKafkaBroker;
import dev.agentlog.app.runtime.LocalPostgres;
import dev.agentlog.app.settings.Check;
import dev.agentlog.app.settings.Setting;
import dev.agentlog.app.settings.SettingGroup;
import dev.agentlog.app.wiring.ApiKeyFile;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.settings.Settings;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.PostgresTarget;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.events.Topics;
import dev.agentlog.ingest.ApiKeys;
import dev.agentlog.ingest.IngestSettings;
import dev.agentlog.processor.ProcessorSettings;
import dev.agentlog.sink.SchemaMigrator;
import dev.agentlog.sink.SinkSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Everything in one process: an in-process broker and a local PostgreSQL unless given, ingest, processor, sink. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the whole pipeline in one process. Starts an in-process Kafka broker when --bootstrap-servers is not set and a local PostgreSQL when --pg-url is not set.")
public final class UpCommand implements Callable<Integer>, Settings.CrossChecked {
    public static final Setting<Integer> KAFKA_PORT = Setting.port("kafka-port").defaultsTo(9092)
            .check(Check.between(0, 65_535))
            .doc("Port of the in-process Kafka broker that `up` starts when --bootstrap-servers is not set.");
    public static final Setting<Integer> KAFKA_CONTROLLER_PORT = Setting.port("kafka-controller-port").defaultsTo(9093)
            .check(Check.between(0, 65_535)).doc("KRaft controller port of the in-process broker.");

    @Spec
    CommandSpec spec;
    final HttpOptions http = new HttpOptions();
    final KafkaOptions kafka = new KafkaOptions();
    final PostgresOptions postgres = new PostgresOptions();
    final LocalPostgresOptions localPostgres = new LocalPostgresOptions();
    final SinkOptions sink = new SinkOptions();
    final ProcessorOptions processor = new ProcessorOptions();
    final DataDirOptions data = new DataDirOptions();
    final PrivacyOptions privacy = new PrivacyOptions();
    final SettingGroup embeddedBroker = new SettingGroup(KAFKA_PORT, KAFKA_CONTROLLER_PORT);

    /** The client settings are for a Kafka of the user's: the in-process broker takes plain connections. */
    @Override
    public void checkSettings(List<String> problems) {
        if (kafka.bootstrapServers() == null && kafka.hasClientConfig()) {
            problems.add(KafkaOptions.KAFKA_CONFIG.option() + " and " + KafkaOptions.KAFKA_PROPERTY.option()
                    + " are for a Kafka given by " + KafkaOptions.BOOTSTRAP_SERVERS.option()
                    + "; the in-process broker `up` starts takes plain connections");
        }
    }

    @Override
    public Integer call() throws Exception {
        Topics topics = kafka.topics();
        Path dataDir = data.dataDir();
        ProcessorSettings processorSettings = processor.settings(dataDir, kafka.replicationFactor());
        SinkSettings sinkSettings = sink.settings(postgres.schema());
        ApiKeyFile.Key generated = null;
        ApiKeys keys;
        if (!http.hasKeys()) {
            generated = ApiKeyFile.loadOrGenerate(dataDir.resolve("api-key"));
            keys = ApiKeys.of(java.util.Map.of(ApiKeyFile.NAME, generated.value()));
        } else {
            keys = http.keys();
        }
        IngestSettings ingestSettings = http.settings(keys);
        Files.createDirectories(dataDir);

        try (Running running = new Running()) {
            String bootstrap = kafka.bootstrapServers();
            if (bootstrap != null) {
                KafkaAccess.check(kafka.clients());
            } else {
                EmbeddedKafkaBroker broker = running.add(EmbeddedKafkaBroker.start(dataDir.resolve("kafka"),
                        embeddedBroker.get(KAFKA_PORT), embeddedBroker.get(KAFKA_CONTROLLER_PORT), kafka.partitions()));
                bootstrap = broker.bootstrapServers();
            }
            PostgresTarget target = postgresTarget(running, dataDir);
            HikariDataSource pool = running.add(Database.pool(target, postgres.poolSize(), "agentlog-up", false));
            // the query API reads in transactions of their own, read only
            HikariDataSource queries = running.add(Database.pool(target, 2, "agentlog-up-queries", true));
            if (postgres.url() != null) {
                postgres.ensureSchema(pool);
            } else {
                SchemaMigrator.migrate(pool, postgres.schema());
            }
            KafkaClients clients = kafka.clients(bootstrap);
            TopicAdmin.ensureTopics(clients, topics, kafka.partitions(), kafka.replicationFactor(),
                    TimeUnit.DAYS.toMillis(7), ingestSettings.maxEventBytes());

            PrometheusMeterRegistry registry = Metrics.prometheus();
            KafkaReadiness readiness = running.add(new KafkaReadiness(clients));
            Pipeline pipeline = running.add(new Pipeline(clients, topics, registry)).onPartFailed(running::fail);
            EventPublisher erasures = running.add(new EventPublisher(clients.bootstrapServers(), topics,
                    PublisherSettings.DEFAULT, clients.common()));
            // the HTTP API's data keys (sealing, and opening for the query API, whose reads hold a snapshot on a
            // connection of `queries`) come from a pool of their own that waits for a connection no longer than a
            // request waits for Kafka; the sink's keys (the pool above) wait out PostgreSQL's outages with its retries
            EventCodec edgeCodec = privacy.enabled() ? privacy.codec(running.add(Database.waitingAtMost(Database.pool(
                    target, 2, "agentlog-up-keys", false), ingestSettings.publishTimeoutMs())), postgres.schema())
                    : EventCodec.standard();
            pipeline.withCodec(privacy.codec(pool, postgres.schema()))
                    .startSink(sinkSettings, pool, sink.workers(), sink.groupInstanceId())
                    .startProcessor(processorSettings)
                    .withCodec(edgeCodec)
                    .startIngest(ingestSettings, registry::scrape, readiness, server -> {
                        ReadRoutes.register(server, clients.bootstrapServers(), clients.common(), topics, queries,
                                postgres.schema(), edgeCodec);
                        EraseRoute.register(server, new Eraser(pool, postgres.schema(), erasures, Time.SYSTEM)
                                .forgettingIn(edgeCodec));
                    })
                    .awaitProcessorRunning(java.time.Duration.ofSeconds(120));
            sink.startSnapshots(running, pool, postgres.schema(), clients, kafka, privacy.stateCipher(pool,
                    postgres.schema()));

            PrintWriter out = spec.commandLine().getOut();
            out.println();
            out.println("agentlog is up.");
            out.println("  HTTP API     " + ingestSettings.scheme() + "://" + ingestSettings.host() + ":" + pipeline.httpPort()
                    + "/v1/events");
            if (generated != null && generated.generated()) {
                out.println("  API key      " + generated.value() + "   (shown once; kept in " + dataDir.resolve("api-key") + ")");
            } else if (generated != null) {
                out.println("  API key      in " + dataDir.resolve("api-key"));
            } else {
                out.println("  API keys     " + keys.names());
            }
            out.println("  Kafka        " + bootstrap + "   (topics " + topics.in() + ", " + topics.events() + ", " + topics.dlq() + ")");
            out.println("  Web UI       " + ingestSettings.scheme() + "://" + ingestSettings.host() + ":" + pipeline.httpPort()
                    + "/ui/   (the same key)");
            out.println("  PostgreSQL   " + target.masked() + "   (schema " + postgres.schema() + ")");
            out.println("  Data         " + dataDir);
            out.println("Stop with Ctrl-C.");
            out.flush();
            return running.awaitStop();
        }
    }

    private PostgresTarget postgresTarget(Running running, Path dataDir) {
        if (postgres.url() != null) {
            return postgres.target();
        }
        LocalPostgres local = running.add(LocalPostgres.start(dataDir.resolve("postgres"),
                localPostgres.get(LocalPostgresOptions.PG_PORT), localPostgres.get(LocalPostgresOptions.PG_BIN_DIR)));
        return PostgresTarget.direct(local.jdbcUrl(), local.user(), local.password());
    }
}
