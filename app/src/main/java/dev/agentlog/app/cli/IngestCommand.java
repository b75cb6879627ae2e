package dev.agentlog.app.cli;

import dev.agentlog.support.time.Time;
import dev.agentlog.client.PublisherSettings;
import dev.agentlog.client.EventPublisher;
import dev.agentlog.app.wiring.Eraser;
import dev.agentlog.app.wiring.EraseRoute;
import dev.agentlog.events.EventCodec;
import dev.agentlog.app.wiring.ReadRoutes;
import dev.agentlog.app.wiring.Database;
import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.KafkaReadiness;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.app.wiring.TopicAdmin;
import dev.agentlog.ingest.IngestSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The HTTP ingest API alone; run as many as the load needs behind a load balancer. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run the HTTP ingest API alone (POST /v1/events), producing to <prefix>.events.in.")
public final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    final HttpOptions http = new HttpOptions();
    final KafkaOptions kafka = KafkaOptions.required();
    /** With encryption on, where the data keys are (and then also where POST /v1/erase erases). */
    final PostgresOptions postgres = new PostgresOptions();
    final PrivacyOptions privacy = new PrivacyOptions();

    @Override
    public Integer call() throws Exception {
        KafkaClients clients = kafka.clients();
        if (privacy.enabled() && postgres.url() == null) {
            throw new IllegalArgumentException(PrivacyOptions.KEK_FILE.option() + " needs --pg-url: the data keys live"
                    + " in PostgreSQL (docs/privacy.md)");
        }
        if (!http.hasKeys()) {
            throw new IllegalArgumentException("--api-keys or --api-keys-file is required (or set AGENTLOG_API_KEYS or "
                    + "AGENTLOG_API_KEYS_FILE)");
        }
        IngestSettings settings = http.settings(http.keys());
        TopicAdmin.ensureTopics(clients, kafka.topics(), kafka.partitions(), kafka.replicationFactor(),
                TimeUnit.DAYS.toMillis(7), settings.maxEventBytes());
        try (Running running = new Running()) {
            PrometheusMeterRegistry registry = Metrics.prometheus();
            KafkaReadiness readiness = running.add(new KafkaReadiness(clients));
            Pipeline pipeline = running.add(new Pipeline(clients, kafka.topics(), registry));
            if (postgres.url() != null) {
                // the data keys and erasures: a request waits for a connection no longer than for Kafka
                HikariDataSource pool = running.add(Database.waitingAtMost(Database.pool(postgres.target(),
                        postgres.poolSize(), "agentlog-ingest", false), settings.publishTimeoutMs()));
                EventPublisher erasures = running.add(new EventPublisher(clients.bootstrapServers(), kafka.topics(),
                        PublisherSettings.DEFAULT, clients.common()));
                // the read routes (and the UI's data) read in read-only transactions of their own
                HikariDataSource queries = running.add(Database.pool(postgres.target(), 2, "agentlog-ingest-queries",
                        true));
                // one key cache for sealing and for the query API's opening, as in `up`
                EventCodec edgeCodec = privacy.codec(pool, postgres.schema());
                pipeline.withCodec(edgeCodec);
                pipeline.startIngest(settings, registry::scrape, readiness, server -> {
                    EraseRoute.register(server, new Eraser(pool, postgres.schema(), erasures, Time.SYSTEM)
                            .forgettingIn(edgeCodec));
                    ReadRoutes.register(server, clients.bootstrapServers(), clients.common(), kafka.topics(), queries,
                            postgres.schema(), edgeCodec);
                });
            } else {
                pipeline.startIngest(settings, registry::scrape, readiness, server -> ReadRoutes.register(server,
                        clients.bootstrapServers(), clients.common(), kafka.topics(), null, null, null));
            }
            spec.commandLine().getOut().println("ingest listening on " + settings.scheme() + "://" + settings.host() + ":"
                    + pipeline.httpPort() + " (web UI at /ui/" + (postgres.url() == null ? "; its agent views need --pg-url" : "")
                    + ")");
            spec.commandLine().getOut().flush();
            return running.awaitStop();
        }
    }
}
