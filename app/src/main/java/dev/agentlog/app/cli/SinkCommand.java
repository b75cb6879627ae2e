package dev.agentlog.app.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.agentlog.app.wiring.Database;
import dev.agentlog.app.wiring.Metrics;
import dev.agentlog.app.wiring.MetricsHttpServer;
import dev.agentlog.app.wiring.Pipeline;
import dev.agentlog.sink.SchemaMigrator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Sink workers alone; processes with the same --group-id split the partitions. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "Run sink workers alone: <prefix>.events -> PostgreSQL, effectively once.")
public final class SinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    KafkaOptions kafka;
    @Mixin
    PostgresOptions postgres;
    @Mixin
    SinkOptions sink;
    @Mixin
    MetricsOption metrics;

    @Option(names = "--sink-workers", defaultValue = "1", paramLabel = "N",
            description = "Sink workers (consumer threads) in this process.")
    int sinkWorkers;

    @Override
    public Integer call() throws Exception {
        kafka.validate();
        postgres.validate();
        String bootstrap = Required.option(kafka.bootstrapServers, "--bootstrap-servers");
        String url = Required.option(postgres.url, "--pg-url");
        var settings = sink.settings(postgres.schema);
        try (Running running = new Running()) {
            HikariDataSource pool = running.add(Database.pool(url, postgres.user, postgres.password,
                    Math.max(postgres.poolSize, sinkWorkers), "agentlog-sink"));
            SchemaMigrator.migrate(pool, postgres.schema);
            PrometheusMeterRegistry registry = Metrics.prometheus();
            if (metrics.port >= 0) {
                running.add(new MetricsHttpServer(metrics.host, metrics.port, registry::scrape));
            }
            running.add(new Pipeline(bootstrap, kafka.topics(), registry, kafka.clientProperties())).startSink(settings, pool, sinkWorkers, sink.groupInstanceId);
            spec.commandLine().getOut().println("sink " + settings.groupId() + " running: " + bootstrap + " -> "
                    + dev.agentlog.app.Secrets.maskJdbcUrl(url));
            spec.commandLine().getOut().flush();
            running.awaitStop();
        }
        return ExitCodes.OK;
    }
}
