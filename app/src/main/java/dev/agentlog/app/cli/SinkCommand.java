package dev.agentlog.app.cli;


import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.KafkaAccess;
import dev.agentlog.app.wiring.KafkaClients;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.MetricsHttpServer;
import dev.agentlog.app.wiring.Pipeline;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Sink workers alone; processes with the same --group-id split the partitions. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "Run sink workers alone: <prefix>.events -> PostgreSQL, effectively once.")
public final class SinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    final KafkaOptions kafka = KafkaOptions.required();
    final PostgresOptions postgres = PostgresOptions.required();
    final SinkOptions sink = new SinkOptions();
    final MetricsOptions metrics = new MetricsOptions();
    final PrivacyOptions privacy = new PrivacyOptions();

    @Override
    public Integer call() throws Exception {
        KafkaClients clients = kafka.clients();
        KafkaAccess.check(clients);
        String url = postgres.url();
        var settings = sink.settings(postgres.schema());
        try (Running running = new Running()) {
            HikariDataSource pool = running.add(Database.pool(postgres.target(),
                    Math.max(postgres.poolSize(), sink.workers()), "agentlog-sink", false));
            postgres.ensureSchema(pool);
            PrometheusMeterRegistry registry = Metrics.prometheus();
            if (metrics.enabled()) {
                running.add(new MetricsHttpServer(metrics.host(), metrics.port(), registry::scrape));
            }
            running.add(new Pipeline(clients, kafka.topics(), registry)).onPartFailed(running::fail)
                    .withCodec(privacy.codec(pool, postgres.schema()))
                    .startSink(settings, pool, sink.workers(), sink.groupInstanceId());
            sink.startSnapshots(running, pool, postgres.schema(), clients, kafka,
                    privacy.stateCipher(pool, postgres.schema()));
            spec.commandLine().getOut().println("sink " + settings.groupId() + " running: " + clients.bootstrapServers() + " -> "
                    + dev.agentlog.app.Secrets.maskJdbcUrl(url));
            spec.commandLine().getOut().flush();
            return running.awaitStop();
        }
    }
}
